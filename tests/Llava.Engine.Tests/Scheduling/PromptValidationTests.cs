using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>Hand-built prompts that the engine thread could not run are refused before they are queued.</summary>
public class PromptValidationTests(Generation.SharedEngine shared) : IClassFixture<Generation.SharedEngine>
{
    [Fact]
    public void ImagePositionsThatDoNotMatchTheImagesAreRefused()
    {
        var prompt = Golden(shared.Engine, "single_gradient");
        var missingImage = prompt with { Images = [] };
        var shortRun = prompt with { TokenIds = prompt.TokenIds.Where((_, i) => i != 10).ToList() };
        Assert.Throws<PromptException>(() => shared.Engine.GenerateAsync(missingImage, Greedy(2)));
        Assert.Throws<PromptException>(() => shared.Engine.GenerateAsync(shortRun, Greedy(2)));
    }

    [Fact]
    public void ImagesNotPreprocessedForTheModelAreRefused()
    {
        var prompt = Golden(shared.Engine, "single_gradient");
        var image = prompt.Images[0];
        var wrongSize = prompt with { Images = [image with { Input = image.Input with { PixelValues = new float[3 * 28 * 28], Height = 28, Width = 28 } }] };
        var missingCrop = prompt with { Images = [image with { Input = image.Input with { Crops = 2 } }] };
        Assert.Throws<PromptException>(() => shared.Engine.GenerateAsync(wrongSize, Greedy(2)));
        Assert.Throws<PromptException>(() => shared.Engine.GenerateAsync(missingCrop, Greedy(2)));
    }

    [Fact]
    public void StopTokenIdsOutsideTheVocabularyOrTooManyAreRefused()
    {
        var prompt = Golden(shared.Engine, "text_only");
        var vocabulary = shared.Engine.Tokenizer.VocabularySize;
        foreach (var ids in new[] { [vocabulary], [-1], Enumerable.Repeat(2, SamplingParams.MaxStopTokenIds + 1).ToArray() })
        {
            var error = Assert.Throws<ArgumentException>(() => shared.Engine.GenerateAsync(prompt, Greedy(2) with { StopTokenIds = ids }));
            Assert.Equal("stop_token_ids", error.ParamName);
        }
    }

    [Fact]
    public void TextLongerThanTheContextCouldHoldIsRefusedBeforeTokenizing()
    {
        var prompts = shared.Engine.Prompts;
        Assert.Equal((long)shared.Engine.Tokenizer.MaxCharactersPerToken * shared.Engine.Model.MaxModelLength, prompts.MaxPromptCharacters);
        var text = new string('x', (int)prompts.MaxPromptCharacters / 2);

        var error = Assert.Throws<PromptException>(() => prompts.Build([new ChatMessage("system", text), new ChatMessage("user", [new TextPart(text), new TextPart("!")])]));
        Assert.Equal(PromptProblem.TooLong, error.Problem);
        Assert.Equal("messages", error.Param);
        Assert.Contains($"no text longer than {prompts.MaxPromptCharacters} characters", error.Message);

        var raw = Assert.Throws<PromptException>(() => prompts.Encode(text + text + "!", addSpecialTokens: true, "prompt"));
        Assert.Equal("prompt", raw.Param);
        Assert.NotEmpty(prompts.Encode(text + text, addSpecialTokens: true, "prompt"));
    }

    [Fact]
    public void OptionsOutOfRangeAreRefusedAtLoad()
    {
        var options = new EngineOptions { ModelPath = "unused", MaxRunningSequences = 8, MaxBatchTokens = 8 };
        var error = Assert.Throws<ArgumentException>(() => LlavaEngine.Load(options));
        Assert.Equal(nameof(EngineOptions.MaxBatchTokens), error.ParamName);
        Assert.Throws<ArgumentException>(() => LlavaEngine.Load(options with { MaxBatchTokens = 512, PreemptAfter = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentException>(() => LlavaEngine.Load(options with { MaxBatchTokens = 512, QueueTimeout = TimeSpan.Zero }));
    }
}
