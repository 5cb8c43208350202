using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Model;
using Llava.TestSupport;
using LlavaBench.Modeling;
using LlavaBench.Workload;

namespace LlavaBench.Tests;

public sealed class BenchModelGeneratorTests : IDisposable
{
    /// <summary>Small enough to write in a moment, with the real vocabulary so the fixture tokenizer fits.</summary>
    private static readonly BenchModelSpec Tiny = new()
    {
        ImageSize = 28,
        PatchSize = 14,
        VisionHiddenSize = 32,
        VisionLayers = 2,
        VisionHeads = 4,
        VisionIntermediateSize = 64,
        TextHiddenSize = 64,
        TextLayers = 2,
        TextHeads = 4,
        TextIntermediateSize = 128,
        MaxPositionEmbeddings = 256,
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llava-bench-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Parameters of a llava-hf LLaVA-1.5 with this spec, counted from the Hugging Face architecture.</summary>
    private static long HuggingFaceParameterCount(BenchModelSpec s)
    {
        long v = s.VisionHiddenSize, vi = s.VisionIntermediateSize, t = s.TextHiddenSize, ti = s.TextIntermediateSize;
        var visionLayer = 4 * (v * v + v) + (v * vi + vi) + (vi * v + v) + 2 * 2 * v;
        var vision = v + v * 3 * s.PatchSize * s.PatchSize + (s.ImageTokens + 1) * v + 2 * v + s.VisionLayers * visionLayer + 2 * v;
        var projector = v * t + t + t * t + t;
        var textLayer = 4 * t * t + 3 * t * ti + 2 * t;
        return vision + projector + 2L * s.VocabSize * t + s.TextLayers * textLayer + t;
    }

    [Fact]
    public void DefaultSpecIsBenchSized()
    {
        var spec = new BenchModelSpec();
        Assert.Equal(178_565_376, HuggingFaceParameterCount(spec));
        Assert.Equal(256, spec.ImageTokens);
        Assert.Equal(32064, spec.VocabSize);
    }

    [Fact]
    public void WritesACheckpointTheLoaderAcceptsWithTheRequestedSize()
    {
        var generated = BenchModelGenerator.Generate(_directory, Tiny, RepoPaths.FixtureModel, TextWriter.Null);

        Assert.Equal(HuggingFaceParameterCount(Tiny), generated.ParameterCount);
        Assert.True(File.Exists(Path.Combine(_directory, "model.safetensors.index.json")));
        using var model = LlavaForConditionalGeneration.FromPretrained(_directory);
        Assert.Equal(generated.ParameterCount, model.parameters().Sum(p => p.numel()));
        Assert.Equal(28, model.Config.Vision.ImageSize);
        Assert.Equal(Tiny.ImageTokens, model.Config.ImageSeqLen);
        Assert.Equal(32064, model.Config.Text.VocabSize);
    }

    [Fact]
    public void InitialisesWeightsWithSensibleScales()
    {
        BenchModelGenerator.Generate(_directory, Tiny, RepoPaths.FixtureModel, TextWriter.Null);
        using var model = LlavaForConditionalGeneration.FromPretrained(_directory);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        var projection = parameters["language_model.model.layers.0.mlp.down_proj.weight"];
        Assert.InRange(projection.std().item<float>(), 0.019f, 0.021f);
        Assert.InRange(projection.mean().item<float>(), -0.001f, 0.001f);
        Assert.True(parameters["language_model.model.layers.1.input_layernorm.weight"].eq(1).all().item<bool>());
        Assert.True(parameters["vision_tower.vision_model.pre_layrnorm.weight"].eq(1).all().item<bool>());
        Assert.True(parameters["vision_tower.vision_model.pre_layrnorm.bias"].eq(0).all().item<bool>());
        Assert.True(parameters["multi_modal_projector.linear_1.bias"].eq(0).all().item<bool>());
        Assert.False(parameters["language_model.lm_head.weight"].eq(parameters["language_model.model.embed_tokens.weight"]).all().item<bool>());
    }

    [Fact]
    public async Task TheEngineServesTheGeneratedModelWithAnImage()
    {
        BenchModelGenerator.Generate(_directory, Tiny, RepoPaths.FixtureModel, TextWriter.Null);
        using var engine = LlavaEngine.Load(new EngineOptions { ModelPath = _directory, MaxRunningSequences = 1 });

        var prompt = engine.Prompts.Build([new ChatMessage("user", [new ImagePart(BenchImages.Png(1)), new TextPart("What is this?")])]);
        Assert.Equal(Tiny.ImageTokens, prompt.TokenIds.Count(id => id == 32000));
        var tokens = 0;
        await foreach (var item in engine.GenerateAsync(prompt, new SamplingParams { Temperature = 0, MaxTokens = 3, IgnoreEos = true }))
        {
            if (item.TokenId is not null) tokens++;
        }
        Assert.Equal(3, tokens);
    }

    [Fact]
    public void EnsureReusesAMatchingModelAndRegeneratesForAnotherSpec()
    {
        var first = BenchModelGenerator.Ensure(_directory, Tiny, RepoPaths.FixtureModel, TextWriter.Null);
        var index = Path.Combine(_directory, "model.safetensors.index.json");
        var past = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(index, past);

        var again = BenchModelGenerator.Ensure(_directory, Tiny, RepoPaths.FixtureModel, TextWriter.Null);
        Assert.Equal(first, again);
        Assert.Equal(past, File.GetLastWriteTimeUtc(index));

        var wider = Tiny with { TextIntermediateSize = 192 };
        var regenerated = BenchModelGenerator.Ensure(_directory, wider, RepoPaths.FixtureModel, TextWriter.Null);
        Assert.NotEqual(past, File.GetLastWriteTimeUtc(index));
        Assert.Equal(HuggingFaceParameterCount(wider), regenerated.ParameterCount);
        Assert.Equal(wider, BenchModelGenerator.ReadMarker(_directory)!.Spec);
    }
}
