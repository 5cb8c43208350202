using System.Text.Json.Nodes;
using Llava.Model.Weights;
using Llava.TestSupport;
using static TorchSharp.torch;

namespace Llava.Model.Tests.Support;

/// <summary>Builds model directories in temp folders from the fixture's config and a model's parameters.</summary>
public static class Checkpoints
{
    /// <summary>The model's parameters under the hub's key names (a tied output head appears once, as the embedding).</summary>
    public static List<(string Name, Tensor Tensor)> HubTensors(LlavaForConditionalGeneration model) =>
        model.named_parameters()
            .Where(p => !(model.language_model.TiesWordEmbeddings && p.name == WeightNames.OutputHead))
            .Select(p => (p.name, (Tensor)p.parameter))
            .ToList();

    /// <summary>The transformers ≥ 4.52 name of a hub key.</summary>
    public static string NewLayoutName(string hubName) => hubName switch
    {
        WeightNames.OutputHead => "lm_head.weight",
        _ when hubName.StartsWith("language_model.model.") => "model.language_model." + hubName["language_model.model.".Length..],
        _ => "model." + hubName,
    };

    /// <summary>Writes the fixture's config.json, optionally edited, into <paramref name="directory"/>.</summary>
    public static void WriteConfig(string directory, Action<JsonObject>? edit = null)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.FixtureModel, "config.json")))!.AsObject();
        edit?.Invoke(config);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
    }

    /// <summary>Copies the fixture's weights file unchanged.</summary>
    public static void CopyFixtureWeights(string directory) =>
        File.Copy(Path.Combine(RepoPaths.FixtureModel, SafeTensorsCheckpoint.SingleFileName),
            Path.Combine(directory, SafeTensorsCheckpoint.SingleFileName));

    /// <summary>A directory with the fixture config and the fixture's tensors, transformed by <paramref name="edit"/>.</summary>
    public static void WriteFixtureVariant(string directory, Func<List<(string Name, Tensor Tensor)>, List<(string Name, Tensor Tensor)>> edit)
    {
        WriteConfig(directory);
        SafeTensorsWriter.Write(Path.Combine(directory, SafeTensorsCheckpoint.SingleFileName), edit(HubTensors(TinyModel.Float32)));
    }
}
