using Llava.Engine.Generation;
using Llava.Engine.Prompting;
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
    public void OptionsOutOfRangeAreRefusedAtLoad()
    {
        var options = new EngineOptions { ModelPath = "unused", MaxRunningSequences = 8, MaxBatchTokens = 8 };
        var error = Assert.Throws<ArgumentException>(() => LlavaEngine.Load(options));
        Assert.Equal(nameof(EngineOptions.MaxBatchTokens), error.ParamName);
        Assert.Throws<ArgumentException>(() => LlavaEngine.Load(options with { MaxBatchTokens = 512, PreemptAfter = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentException>(() => LlavaEngine.Load(options with { MaxBatchTokens = 512, QueueTimeout = TimeSpan.Zero }));
    }
}
