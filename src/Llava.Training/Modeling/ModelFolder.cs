using Llava.Model;
using Llava.Model.Weights;
using Llava.Training.Trainers;

namespace Llava.Training.Modeling;

/// <summary>
/// Writes models in the llava-hf folder layout the server loads: the weights as <c>model.safetensors</c> next to the
/// config, tokenizer, chat template and preprocessor files, which training never changes and so are copied from the
/// folder the model came from.
/// </summary>
public static class ModelFolder
{
    /// <summary>Files a trainer adds to its checkpoints; they are not part of the servable model.</summary>
    public static IReadOnlySet<string> TrainerFiles { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        TrainerState.FileName, TrainerState.OptimizerFileName, TrainerState.AuxiliaryFileName,
    };

    /// <summary>Saves <paramref name="model"/> into <paramref name="outDir"/> with the other files of <paramref name="sourceDir"/>.</summary>
    public static void Save(LlavaForConditionalGeneration model, string sourceDir, string outDir)
    {
        Directory.CreateDirectory(outDir);
        if (Path.GetFullPath(sourceDir) != Path.GetFullPath(outDir))
            CopyAssets(sourceDir, outDir);
        // Written under a temporary name first so an interrupted save never leaves a truncated model behind.
        var target = Path.Combine(outDir, SafeTensorsCheckpoint.SingleFileName);
        var temporary = target + ".tmp";
        SafeTensorsWriter.Write(temporary, Tensors(model));
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>The state dict in the hub's names, without the tied output head (the loader re-ties it).</summary>
    public static IEnumerable<(string Name, TorchSharp.torch.Tensor Tensor)> Tensors(LlavaForConditionalGeneration model) =>
        model.named_parameters()
            .Where(p => !(model.language_model.TiesWordEmbeddings && p.name == WeightNames.OutputHead))
            .Select(p => (p.name, (TorchSharp.torch.Tensor)p.parameter));

    private static void CopyAssets(string sourceDir, string outDir)
    {
        foreach (var file in Directory.EnumerateFiles(sourceDir))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith("model", StringComparison.Ordinal) && name.Contains(".safetensors", StringComparison.Ordinal))
                continue;
            if (TrainerFiles.Contains(name)) continue;
            File.Copy(file, Path.Combine(outDir, name), overwrite: true);
        }
    }
}
