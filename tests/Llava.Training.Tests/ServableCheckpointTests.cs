using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Model;
using Llava.Training.Modeling;
using Llava.Training.Tests.Support;
using Llava.Training.Trainers;
using static TorchSharp.torch;

namespace Llava.Training.Tests;

public sealed class ServableCheckpointTests : IDisposable
{
    private readonly TinySetup _tiny = new(trainScenes: 8, seed: 3);

    [Fact]
    public async Task A_trained_checkpoint_loads_in_the_engine_and_gives_the_in_memory_logits()
    {
        using var model = _tiny.LoadModel();
        var objective = new LanguageObjective(model, TrainingStage.Finetune, _tiny.Samples(model), [], _tiny.Images);
        var options = new TrainingOptions { MaxSteps = 3, BatchSize = 4, LearningRate = 1e-2, WarmupRatio = 0 };
        new Trainer(model, objective, options, TextWriter.Null).Run(_tiny.ModelDir, _tiny.Scratch("run"));
        var saved = _tiny.Scratch("saved");
        ModelFolder.Save(model, _tiny.ModelDir, saved);

        using var engine = LlavaEngine.Load(new EngineOptions { ModelPath = saved, MaxModelLength = 128, MaxRunningSequences = 1 });
        var png = await File.ReadAllBytesAsync(_tiny.Images.PathOf("train-000001.png"));
        var prompt = engine.Prompts.Build([new ChatMessage("user", [new ImagePart(png), new TextPart("Where is the red circle?")])]);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var image = prompt.Images.Single().Input;
        var pixels = tensor(image.PixelValues, [image.Crops, 3, image.Height, image.Width]);
        var ids = tensor(prompt.TokenIds.Select(i => (long)i).ToArray());
        var inMemory = model.Forward(model.EmbedPrompt(ids, model.GetImageFeatures(pixels)).unsqueeze(0))[0];

        // The reloaded weights are bit-identical: the same forward gives the same logits exactly.
        using (var reloaded = LlavaForConditionalGeneration.FromPretrained(saved))
        {
            var again = reloaded.Forward(reloaded.EmbedPrompt(ids, reloaded.GetImageFeatures(pixels)).unsqueeze(0))[0];
            Assert.True(again.equal(inMemory).all().item<bool>());
        }

        // The engine (packed KV-cache path) agrees on the next-token distribution.
        var expected = inMemory[-1].log_softmax(-1);
        var first = await engine.GenerateAsync(prompt, new SamplingParams { Temperature = 0, MaxTokens = 1, TopLogprobs = 5 })
            .FirstAsync(e => e.Logprobs is not null);
        var top = first.Logprobs!.Top;
        Assert.Equal(expected.topk(5).indexes.data<long>().Select(i => (int)i), top.Select(t => t.TokenId));
        foreach (var entry in top)
            Assert.Equal(expected[entry.TokenId].item<float>(), entry.Logprob, 4);
    }

    public void Dispose() => _tiny.Dispose();
}
