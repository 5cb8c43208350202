using Llava.Model;
using Llava.Training.Tests.Support;
using Llava.Training.Trainers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Training.Tests;

public sealed class BatchOrderTests : IClassFixture<BatchOrderTests.Setup>
{
    private readonly Setup _setup;

    public BatchOrderTests(Setup setup) => _setup = setup;

    public sealed class Setup : IDisposable
    {
        public TinySetup Tiny { get; } = new(trainScenes: 2);
        public LlavaForConditionalGeneration Model { get; }
        public Setup() => Model = Tiny.LoadModel();

        public void Dispose()
        {
            Model.Dispose();
            Tiny.Dispose();
        }
    }

    /// <summary>Records the batches the trainer asks for; the loss is a dummy that still needs a real backward step.</summary>
    private sealed class RecordingObjective(int samples, IReadOnlyList<int>? lengths) : ITrainingObjective
    {
        private readonly Parameter _weight = new(ones(1), requires_grad: true);
        public List<int[]> Batches { get; } = [];
        public string Name => "recording";
        public int TrainingSamples => samples;
        public int ValidationSamples => 0;
        public IReadOnlyList<Parameter> Parameters => [_weight];
        public IReadOnlyList<int>? TrainingLengths => lengths;
        public nn.Module? Auxiliary => null;

        public BatchLoss Loss(IReadOnlyList<int> batch, bool validation)
        {
            Batches.Add([.. batch]);
            return new BatchLoss((_weight * 2).sum(), batch.Count, batch.Count);
        }
    }

    private List<int[]> Run(int seed, int epochs, IReadOnlyList<int>? lengths = null, bool group = false)
    {
        var objective = new RecordingObjective(100, lengths);
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 8, GradientAccumulation = 2, Seed = seed, GroupByLength = group, LengthGroupWindow = 4 };
        new Trainer(_setup.Model, objective, options, TextWriter.Null).Run(_setup.Tiny.ModelDir, _setup.Tiny.Scratch("order"));
        return objective.Batches;
    }

    [Fact]
    public void Each_epoch_is_a_seeded_permutation_without_the_incomplete_last_batch()
    {
        var batches = Run(seed: 4, epochs: 2);
        // 100 samples in batches of 8 make 12 full batches; two per step gives 6 steps per epoch.
        Assert.Equal(24, batches.Count);
        foreach (var epoch in batches.Chunk(12))
            Assert.Equal(96, epoch.SelectMany(b => b).Distinct().Count());
        Assert.NotEqual(batches[0], batches[12]);
        Assert.Equal(batches.SelectMany(b => b), Run(seed: 4, epochs: 2).SelectMany(b => b));
        Assert.NotEqual(batches.SelectMany(b => b), Run(seed: 5, epochs: 2).SelectMany(b => b));
    }

    [Fact]
    public void Length_grouping_batches_similar_lengths_and_still_covers_each_sample_once()
    {
        var lengths = Enumerable.Range(0, 100).Select(i => (i * 37) % 100).ToList();
        var batches = Run(seed: 4, epochs: 1, lengths, group: true);

        Assert.Equal(96, batches.SelectMany(b => b).Distinct().Count());
        double Spread(IEnumerable<int[]> set) => set.Average(b => b.Max(i => lengths[i]) - b.Min(i => lengths[i]));
        Assert.True(Spread(batches) < Spread(Run(seed: 4, epochs: 1)) / 2);
    }
}
