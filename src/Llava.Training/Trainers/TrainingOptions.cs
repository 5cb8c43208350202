namespace Llava.Training.Trainers;

/// <summary>Optimisation settings of one training run.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 1;

    /// <summary>Optimizer steps; overrides <see cref="Epochs"/> when set.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Samples per forward pass (micro-batch).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Micro-batches whose gradients are summed before each optimizer step.</summary>
    public int GradientAccumulation { get; init; } = 1;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The cosine schedule decays to this fraction of <see cref="LearningRate"/>.</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>Share of the steps spent warming up linearly from zero.</summary>
    public double WarmupRatio { get; init; } = 0.05;

    /// <summary>AdamW decoupled weight decay, applied to matrices only (not to biases, gains or the class token).</summary>
    public double WeightDecay { get; init; }

    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>
    /// Pretrain and finetune: the vision tower learns too (up to <c>vision_feature_layer</c>), as later LLaVA recipes
    /// (LLaVA-NeXT, OneVision) train it in stage 2 and captioning pretraining (CapPa) trains a tower from scratch. The
    /// language loss then shapes the very patch features the projector reads; a contrastive stage shapes only the
    /// class token after the last layer, which LLaVA never reads.
    /// </summary>
    public bool TrainVisionTower { get; init; }

    /// <summary>Seeds the data order (and nothing else: weights come from the input model).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Batch samples of similar length (as LLaVA's group_by_modality_length does) so less of each batch is padding:
    /// each epoch's shuffled order is cut into windows of <see cref="LengthGroupWindow"/> batches, each window sorted
    /// by length and cut into batches, and the batches shuffled again.
    /// </summary>
    public bool GroupByLength { get; init; }

    public int LengthGroupWindow { get; init; } = 16;

    /// <summary>Steps between validation passes; 0 validates only at the end.</summary>
    public int ValidationEvery { get; init; }

    /// <summary>Steps between resumable checkpoints; 0 writes none.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Older checkpoints beyond this many are deleted.</summary>
    public int KeepCheckpoints { get; init; } = 2;

    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Require(Epochs >= 1, "epochs must be at least 1");
        Require(MaxSteps is null or >= 1, "max steps must be at least 1");
        Require(BatchSize >= 1, "batch size must be at least 1");
        Require(GradientAccumulation >= 1, "gradient accumulation must be at least 1");
        Require(LearningRate > 0, "learning rate must be positive");
        Require(MinLearningRateRatio is >= 0 and <= 1, "min learning-rate ratio must be in [0, 1]");
        Require(WarmupRatio is >= 0 and < 1, "warm-up ratio must be in [0, 1)");
        Require(WeightDecay >= 0, "weight decay must not be negative");
        Require(MaxGradNorm > 0, "max grad norm must be positive");
        Require(ValidationEvery >= 0 && CheckpointEvery >= 0, "validation and checkpoint intervals must not be negative");
        Require(KeepCheckpoints >= 1, "keep at least one checkpoint");
        Require(LengthGroupWindow >= 1, "the length-group window must be at least one batch");
    }
}
