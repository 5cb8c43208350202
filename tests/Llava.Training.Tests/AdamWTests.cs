using Llava.Model.Tensors;
using Llava.Training.Tests.Support;
using static TorchSharp.torch;
using OwnedScalarsAdamW = Llava.Training.Trainers.AdamW;
using Parameter = TorchSharp.Modules.Parameter;
using TorchSharpAdamW = TorchSharp.Modules.AdamW;

namespace Llava.Training.Tests;

public sealed class AdamWTests
{
    private const double WeightDecay = 0.1;

    [Fact]
    public void Steps_and_saves_bit_for_bit_like_TorchSharps_AdamW()
    {
        var expected = Train(groups => optim.AdamW(groups, 1e-2, beta1: 0.9, beta2: 0.98, eps: 1e-8, weight_decay: WeightDecay));
        var actual = Train(groups => new OwnedScalarsAdamW(groups, 1e-2, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: WeightDecay));
        Assert.Equal(expected.Weight, actual.Weight);
        Assert.Equal(expected.Bias, actual.Bias);
        Assert.Equal(expected.OptimizerState, actual.OptimizerState);
    }

    /// <summary>
    /// Six steps on a small least-squares problem, with a decayed and an undecayed group and a learning rate that
    /// changes per step as the trainer's schedule does; returns the parameters and the saved optimizer state.
    /// </summary>
    private static (float[] Weight, float[] Bias, byte[] OptimizerState) Train(Func<List<TorchSharpAdamW.ParamGroup>, TorchSharpAdamW> create)
    {
        manual_seed(7);
        using var weight = new Parameter(randn(4, 3));
        using var bias = new Parameter(randn(3));
        using var inputs = randn(8, 4);
        using var targets = randn(8, 3);
        using var optimizer = create(
        [
            new TorchSharpAdamW.ParamGroup([weight], new TorchSharpAdamW.Options { LearningRate = 1e-2, weight_decay = WeightDecay }),
            new TorchSharpAdamW.ParamGroup([bias], new TorchSharpAdamW.Options { LearningRate = 1e-2, weight_decay = 0 }),
        ]);
        for (var step = 0; step < 6; step++)
        {
            foreach (var group in optimizer.ParamGroups) group.LearningRate = 1e-2 / (step + 1);
            optimizer.zero_grad();
            using (var scope = NewDisposeScope())
            {
                var error = inputs.matmul(weight).Plus(bias) - targets;
                (error * error).mean().backward();
            }
            optimizer.step();
        }
        using var dir = new TempDir();
        optimizer.save_state_dict(dir.File("optimizer.bin"));
        return (weight.data<float>().ToArray(), bias.data<float>().ToArray(), File.ReadAllBytes(dir.File("optimizer.bin")));
    }
}
