using Llava.TestSupport;
using static TorchSharp.torch;

namespace Llava.Model.Tests.Support;

/// <summary>The fixture checkpoint, loaded once per test run in float32 on the CPU.</summary>
public static class TinyModel
{
    private static readonly Lazy<LlavaForConditionalGeneration> Float32Model =
        new(() => LlavaForConditionalGeneration.FromPretrained(RepoPaths.FixtureModel, new ModelOptions()));

    public static LlavaForConditionalGeneration Float32 => Float32Model.Value;

    /// <summary>The decoder input for a golden case: token embeddings with its images' features spliced in.</summary>
    public static Tensor PromptEmbeds(LlavaForConditionalGeneration model, GoldenCase goldenCase)
    {
        using var scope = NewDisposeScope();
        Tensor? features = null;
        if (goldenCase.Images.Length > 0)
            features = model.GetImageFeatures(Golden.Pixels(goldenCase.Images));
        return model.EmbedPrompt(tensor(goldenCase.InputIds), features).MoveToOuterDisposeScope();
    }
}
