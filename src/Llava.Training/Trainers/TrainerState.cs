using System.Text.Json;

namespace Llava.Training.Trainers;

/// <summary>What a checkpoint records besides the weights, so a resumed run continues the same schedule and data order.</summary>
public sealed record TrainerState(string Stage, int Step, int TotalSteps, int BatchSize, int GradientAccumulation, int Seed,
    int TrainingSamples, double LearningRate, bool GroupByLength, bool TrainVisionTower = false)
{
    public const string FileName = "trainer_state.json";
    public const string OptimizerFileName = "optimizer.bin";

    /// <summary>Weights of modules outside the LLaVA model, e.g. the contrastive text tower.</summary>
    public const string AuxiliaryFileName = "auxiliary.bin";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public void Write(string dir) => File.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Options));

    public static TrainerState Read(string dir) =>
        JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(dir, FileName)), Options)
        ?? throw new InvalidDataException($"{Path.Combine(dir, FileName)} is empty");
}
