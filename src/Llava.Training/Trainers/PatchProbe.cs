using System.Text.Json;
using Llava.Model;
using Llava.Training.Data;
using Llava.Training.Shapes;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>
/// Measures, while the clip stage trains, how well the features LLaVA reads already name each patch's shape and colour:
/// the stage's own <see cref="PatchAttributeHead"/> classifies every patch of held-out scenes — the training
/// renderer's validation scenes and the independent renderer's — against <see cref="PatchLabels"/>, overall and
/// split by the objects' size, fill, rotation and shape (<see cref="PatchBreakdown"/>). A tower whose
/// object patches are named badly here cannot answer shape questions after the far costlier LLaVA stages, so this
/// ranks tower recipes in minutes. Every measurement is appended to a JSON file, rewritten each time so an
/// interrupted run keeps what it measured.
/// </summary>
public sealed class PatchProbe(LlavaForConditionalGeneration model, PatchAttributeHead head, PatchLabels labels,
    IReadOnlyList<PatchProbe.Set> sets, string outputFile) : IValidationProbe
{
    /// <summary>Scenes measured together, named for the report (e.g. the file they came from), with the folder that
    /// holds their pictures.</summary>
    public sealed record Set(string Name, IReadOnlyList<SceneAnnotation> Scenes, ImageStore Images);

    public sealed record Result(string Set, int Scenes, PatchAccuracy Accuracy, PatchBreakdown Breakdown);

    /// <summary>Where the stage writes its measurements, in its output folder.</summary>
    public const string FileName = "patch-probe.json";

    private const int BatchSize = 64;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
    private readonly List<(int Step, IReadOnlyList<Result> Results)> _history = [];

    /// <summary>Measures every set at <paramref name="step"/>, records it, and returns one line per set.</summary>
    public IReadOnlyList<string> Measure(int step)
    {
        var results = sets.Select(Measure).ToList();
        _history.Add((step, results));
        Write();
        return results.SelectMany(r => new[]
        {
            $"[probe] step {step}, {r.Set} ({r.Scenes} scenes): " +
            $"object patches shape {r.Accuracy.ObjectShape:P1}, colour {r.Accuracy.ObjectColor:P1}; " +
            $"all patches shape {r.Accuracy.Shape:P1}, colour {r.Accuracy.Color:P1}; " +
            $"objects named shape {r.Breakdown.All.NamedShape:P1}, colour {r.Breakdown.All.NamedColor:P1} ({r.Breakdown.All.Objects})",
            $"[probe] step {step}, {r.Set}, by group, object-patch shape / objects named shape: " +
            string.Join(", ", r.Breakdown.Groups.Select(g => $"{g.Name} {g.ObjectShape:P1} / {g.NamedShape:P1} ({g.Objects})")),
        }).ToList();
    }

    private Result Measure(Set set)
    {
        var scenes = set.Scenes;
        using var noGrad = no_grad();
        var vision = model.Config.Vision;
        var accuracy = PatchAccuracy.Empty;
        var breakdown = new PatchBreakdown();
        for (var start = 0; start < scenes.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = scenes.Skip(start).Take(BatchSize).ToList();
            var pixels = set.Images.Pixels(batch.Select(s => s.Image).ToList());
            var features = model.vision_tower.vision_model.HiddenState(pixels, model.Config.VisionFeatureLayerIndex);
            var (shapeLogits, colorLogits) = head.Forward(features);
            var targets = labels.For(batch.Select(s => s.Objects).ToList(), vision.PatchesPerSide);
            var (shapePredictions, colorPredictions) = (shapeLogits.argmax(-1).data<long>().ToArray(), colorLogits.argmax(-1).data<long>().ToArray());
            accuracy = accuracy.Add(targets.Shapes, shapePredictions, targets.Colors, colorPredictions);
            breakdown.Add(targets.Owners, targets.Shapes, shapePredictions, targets.Colors, colorPredictions);
        }
        return new Result(set.Name, scenes.Count, accuracy, breakdown);
    }

    /// <summary>Object patches per true shape (rows) and predicted class (columns), named by the shape head's classes.</summary>
    private object Confusion(PatchBreakdown breakdown)
    {
        var names = labels.ShapeNames;
        var matrix = breakdown.ShapeConfusion(names.Count);
        return new
        {
            Classes = names,
            Counts = Enumerable.Range(1, names.Count - 1).Select(t => Enumerable.Range(0, names.Count).Select(p => matrix[t, p])),
        };
    }

    private void Write()
    {
        static double? Number(double value) => double.IsNaN(value) ? null : Math.Round(value, 4);
        var document = _history.Select(h => new
        {
            h.Step,
            Sets = h.Results.Select(r => new
            {
                r.Set,
                r.Scenes,
                r.Accuracy.Patches,
                r.Accuracy.ObjectPatches,
                ObjectShape = Number(r.Accuracy.ObjectShape),
                ObjectColor = Number(r.Accuracy.ObjectColor),
                Shape = Number(r.Accuracy.Shape),
                Color = Number(r.Accuracy.Color),
                Groups = new[] { r.Breakdown.All }.Concat(r.Breakdown.Groups).Select(g => new
                {
                    g.Name,
                    g.Objects,
                    g.ObjectPatches,
                    ObjectShape = Number(g.ObjectShape),
                    ObjectColor = Number(g.ObjectColor),
                    NamedShape = Number(g.NamedShape),
                    NamedColor = Number(g.NamedColor),
                }),
                ShapeConfusion = Confusion(r.Breakdown),
            }),
        });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputFile))!);
        File.WriteAllText(outputFile, JsonSerializer.Serialize(document, Json));
    }
}
