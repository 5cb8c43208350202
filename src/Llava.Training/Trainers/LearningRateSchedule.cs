namespace Llava.Training.Trainers;

/// <summary>Linear warm-up from zero, then cosine decay to a floor — LLaVA's schedule.</summary>
public sealed class LearningRateSchedule(double peak, int totalSteps, int warmupSteps, double minRatio)
{
    public static LearningRateSchedule From(TrainingOptions options, int totalSteps) =>
        new(options.LearningRate, totalSteps, (int)Math.Ceiling(options.WarmupRatio * totalSteps), options.MinLearningRateRatio);

    /// <summary>The rate for the optimizer step with zero-based index <paramref name="step"/>.</summary>
    public double At(int step)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        var decaySteps = Math.Max(1, totalSteps - warmupSteps);
        var progress = Math.Min(1.0, (step - warmupSteps) / (double)decaySteps);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return peak * (minRatio + (1 - minRatio) * cosine);
    }
}
