namespace Llava.Training.Trainers;

/// <param name="FinalTrainLoss">Smoothed training loss at the last step.</param>
/// <param name="ValidationLoss">Loss on the validation samples after the last step (null without any).</param>
public sealed record TrainingResult(int Steps, double FinalTrainLoss, double? ValidationLoss, TimeSpan Elapsed, long Tokens);
