using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>The loss of one batch: a scalar to minimise, the input tokens it read and the targets it scored.</summary>
public sealed record BatchLoss(Tensor Loss, long Tokens, long Targets);

/// <summary>What a stage trains and on which data; the <see cref="Trainer"/> supplies the optimisation loop.</summary>
public interface ITrainingObjective
{
    string Name { get; }

    int TrainingSamples { get; }

    int ValidationSamples { get; }

    /// <summary>The parameters this stage updates; the objective has already unfrozen exactly these.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Mean loss over the batch's targets. Indices refer to the validation samples when <paramref name="validation"/>.</summary>
    BatchLoss Loss(IReadOnlyList<int> samples, bool validation);

    /// <summary>Each training sample's length in tokens, for length-grouped batching; null when lengths do not vary.</summary>
    IReadOnlyList<int>? TrainingLengths { get; }

    /// <summary>Modules outside the LLaVA model that a checkpoint must keep (none for most stages).</summary>
    nn.Module? Auxiliary { get; }
}
