using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>
/// TorchSharp's AdamW with a step whose Scalars all have owners. TorchSharp's own step turns its hyper-parameters
/// into temporary Scalars for every parameter, which a garbage collection can free while libtorch reads them (see
/// <see cref="Scalars"/>). The arithmetic is TorchSharp's, operation for operation and with the same Scalar values,
/// so updates are bit for bit the same, and parameter groups and per-parameter state are TorchSharp's own. The class
/// keeps the name AdamW because TorchSharp stamps a saved optimizer state with the optimizer's short type name and
/// checks it on load: with the same name, checkpoints written by either load into the other. Covers what training
/// uses: no amsgrad, no maximize.
/// </summary>
internal sealed class AdamW : TorchSharp.Modules.AdamW
{
    public AdamW(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        if (options.amsgrad == true || options.maximize == true)
            throw new NotSupportedException("this AdamW implements neither amsgrad nor maximize");
        var beta1 = options.beta1!.Value;
        var beta2 = options.beta2!.Value;
        var lr = options.LearningRate!.Value;
        using var decay = (1 - lr * options.weight_decay!.Value).ToScalar();
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var gradientWeight = (1 - beta1).ToScalar();
        using var squareWeight = (1 - beta2).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            state.step += 1;
            param.mul_(decay);
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(beta1Scalar).add_(grad, gradientWeight);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, squareWeight);
            using var rootBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            var denominator = (state.exp_avg_sq.sqrt() / rootBiasCorrection2).add_(eps, Scalars.One);
            using var stepSize = (-(lr / biasCorrection1)).ToScalar();
            param.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}
