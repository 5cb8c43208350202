using Llava.Model.Tests.Support;
using Llava.Model.Weights;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>Every way a model directory can be broken gives one ModelLoadException that names the culprit.</summary>
public sealed class LoadErrorTests
{
    [Fact]
    public void MissingDirectory()
    {
        var error = Load("/nonexistent/llava-model");
        Assert.Contains("'/nonexistent/llava-model' does not exist", error.Message);
    }

    [Fact]
    public void MissingConfig()
    {
        using var dir = new TempDir();
        Checkpoints.CopyFixtureWeights(dir.Path);
        var error = Load(dir.Path);
        Assert.Contains("config.json not found", error.Message);
        Assert.Contains(dir.Path, error.Message);
    }

    [Fact]
    public void MissingWeights()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        var error = Load(dir.Path);
        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("model.safetensors.index.json", error.Message);
    }

    [Fact]
    public void OnlyPyTorchBinWeights()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        File.WriteAllBytes(dir.File("pytorch_model.bin"), [1, 2, 3]);
        var error = Load(dir.Path);
        Assert.Contains(".bin weights", error.Message);
    }

    [Fact]
    public void IndexNamesAMissingShard()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        var shards = SafeTensorsWriter.WriteSharded(dir.Path, Checkpoints.HubTensors(TinyModel.Float32), maxShardBytes: 4 << 20);
        File.Delete(dir.File(shards[1]));
        var error = Load(dir.Path);
        Assert.Contains(shards[1], error.Message);
        Assert.Contains("model.safetensors.index.json", error.Message);
    }

    [Fact]
    public void IndexPlacesATensorInAShardWithoutIt()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        var shards = SafeTensorsWriter.WriteSharded(dir.Path, Checkpoints.HubTensors(TinyModel.Float32), maxShardBytes: 4 << 20);
        var indexPath = dir.File(SafeTensorsCheckpoint.IndexFileName);
        var index = File.ReadAllText(indexPath);
        File.WriteAllText(indexPath, index.Replace(
            $"\"language_model.model.norm.weight\": \"{ShardOf(dir, "language_model.model.norm.weight", shards)}\"",
            $"\"language_model.model.norm.weight\": \"{shards.First(s => s != ShardOf(dir, "language_model.model.norm.weight", shards))}\""));
        var error = Load(dir.Path);
        Assert.Contains("language_model.model.norm.weight", error.Message);
    }

    [Fact]
    public void MissingTensor()
    {
        using var dir = new TempDir();
        Checkpoints.WriteFixtureVariant(dir.Path,
            tensors => tensors.Where(t => t.Name != "language_model.model.layers.1.mlp.up_proj.weight").ToList());
        var error = Load(dir.Path);
        Assert.Contains("language_model.model.layers.1.mlp.up_proj.weight", error.Message);
        Assert.Contains("lack 1 tensor", error.Message);
    }

    [Fact]
    public void UntiedModelWithoutLmHead()
    {
        using var dir = new TempDir();
        Checkpoints.WriteFixtureVariant(dir.Path, tensors => tensors.Where(t => t.Name != WeightNames.OutputHead).ToList());
        var error = Load(dir.Path);
        Assert.Contains(WeightNames.OutputHead, error.Message);
    }

    [Fact]
    public void WrongShape()
    {
        using var dir = new TempDir();
        using var wrong = zeros(32, 63);
        Checkpoints.WriteFixtureVariant(dir.Path, tensors => tensors
            .Select(t => t.Name == "multi_modal_projector.linear_1.weight" ? (t.Name, wrong) : t).ToList());
        var error = Load(dir.Path);
        Assert.Contains("'multi_modal_projector.linear_1.weight'", error.Message);
        Assert.Contains(dir.File("model.safetensors"), error.Message);
        Assert.Contains("[32, 63]", error.Message);
        Assert.Contains("[64, 32]", error.Message);
    }

    [Fact]
    public void UnsupportedTensorDtype()
    {
        using var dir = new TempDir();
        using var integers = zeros([64], ScalarType.Int64);
        Checkpoints.WriteFixtureVariant(dir.Path, tensors => tensors
            .Select(t => t.Name == "language_model.model.norm.weight" ? (t.Name, integers) : t).ToList());
        var error = Load(dir.Path);
        Assert.Contains("'language_model.model.norm.weight'", error.Message);
        Assert.Contains("I64", error.Message);
    }

    [Fact]
    public void TensorsOfAnotherArchitecture()
    {
        using var dir = new TempDir();
        using var newline = zeros(64);
        Checkpoints.WriteFixtureVariant(dir.Path, tensors => [.. tensors, ("image_newline", newline)]);
        var error = Load(dir.Path);
        Assert.Contains("'image_newline'", error.Message);
    }

    [Fact]
    public void MoreLayersThanTheConfigDescribes()
    {
        using var dir = new TempDir();
        using var extra = zeros(64);
        Checkpoints.WriteFixtureVariant(dir.Path,
            tensors => [.. tensors, ("language_model.model.layers.2.input_layernorm.weight", extra)]);
        var error = Load(dir.Path);
        Assert.Contains("language_model.model.layers.2.input_layernorm.weight", error.Message);
        Assert.Contains("does not match the weights", error.Message);
    }

    [Fact]
    public void UnsupportedArchitecture()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path, config => config["architectures"] = new System.Text.Json.Nodes.JsonArray("LlavaOnevisionForConditionalGeneration"));
        Checkpoints.CopyFixtureWeights(dir.Path);
        var error = Load(dir.Path);
        Assert.Contains(dir.File("config.json"), error.Message);
        Assert.Contains("LlavaOnevisionForConditionalGeneration", error.Message);
    }

    [Fact]
    public void NextConfigOverLlava15WeightsNamesTheMissingImageNewline()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path, config => config["model_type"] = "llava_next");
        Checkpoints.CopyFixtureWeights(dir.Path);
        var error = Load(dir.Path);
        Assert.Contains("image_newline", error.Message);
    }

    [Fact]
    public void TruncatedSafetensorsFile()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        var bytes = File.ReadAllBytes(Path.Combine(Llava.TestSupport.RepoPaths.FixtureModel, "model.safetensors"));
        File.WriteAllBytes(dir.File("model.safetensors"), bytes[..(bytes.Length / 2)]);
        var error = Load(dir.Path);
        Assert.Contains(dir.File("model.safetensors"), error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void NotASafetensorsFile()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        File.WriteAllText(dir.File("model.safetensors"), "<html>404</html>");
        var error = Load(dir.Path);
        Assert.Contains("not a safetensors file", error.Message);
    }

    private static ModelLoadException Load(string dir) =>
        Assert.Throws<ModelLoadException>(() => LlavaForConditionalGeneration.FromPretrained(dir, new ModelOptions()));

    private static string ShardOf(TempDir dir, string tensor, IReadOnlyList<string> shards)
    {
        foreach (var shard in shards)
        {
            using var file = SafeTensorsFile.Open(dir.File(shard));
            if (file.Tensors.ContainsKey(tensor)) return shard;
        }
        throw new InvalidOperationException($"{tensor} is in no shard");
    }
}
