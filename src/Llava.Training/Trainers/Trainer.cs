using System.Diagnostics;
using Llava.Model;
using Llava.Training.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>
/// The optimisation loop shared by every stage: seeded shuffling (a fresh permutation per epoch, incomplete last
/// batches dropped), gradient accumulation, AdamW (this namespace's <see cref="AdamW"/>) with warm-up + cosine, gradient
/// clipping, periodic validation and resumable checkpoints. Data order depends only on the seed and the step, so a resumed run sees the same batches
/// an uninterrupted one would have.
/// </summary>
/// <param name="probe">Measured at every validation and after the last step, beside the validation loss.</param>
public sealed class Trainer(LlavaForConditionalGeneration model, ITrainingObjective objective, TrainingOptions options,
    TextWriter output, IValidationProbe? probe = null)
{
    private int[]? _order;
    private int _orderEpoch = -1;

    /// <param name="modelSourceDir">The folder the model was loaded from; its non-weight files go into checkpoints.</param>
    /// <param name="resumeFrom">A checkpoint of this run to continue from (the model must already hold its weights).</param>
    public TrainingResult Run(string modelSourceDir, string outDir, string? resumeFrom = null)
    {
        options.Validate();
        var microPerEpoch = objective.TrainingSamples / options.BatchSize;
        if (microPerEpoch < options.GradientAccumulation)
            throw new ArgumentException(
                $"{objective.TrainingSamples} samples make fewer than one step of {options.GradientAccumulation} batches of {options.BatchSize}");
        var stepsPerEpoch = microPerEpoch / options.GradientAccumulation;
        var totalSteps = options.MaxSteps ?? options.Epochs * stepsPerEpoch;
        var schedule = LearningRateSchedule.From(options, totalSteps);
        var parameters = objective.Parameters;

        using var optimizer = CreateOptimizer(parameters);
        var startStep = 0;
        if (resumeFrom is not null)
        {
            var state = TrainerState.Read(resumeFrom);
            var expected = State(0, totalSteps);
            if (state with { Step = 0 } != expected)
                throw new InvalidOperationException($"{resumeFrom} was written by a run with other settings: {state}");
            optimizer.load_state_dict(Path.Combine(resumeFrom, TrainerState.OptimizerFileName));
            objective.Auxiliary?.load(Path.Combine(resumeFrom, TrainerState.AuxiliaryFileName));
            startStep = state.Step;
            output.WriteLine($"[{objective.Name}] resuming from {resumeFrom} at step {startStep}");
        }

        var progress = new ProgressBar(objective.Name, totalSteps, startStep, output, ProgressBar.IsTerminal(output));
        var watch = Stopwatch.StartNew();
        double? smoothed = null;
        double? validation = null;
        long tokens = 0;
        for (var step = startStep; step < totalSteps; step++)
        {
            var learningRate = schedule.At(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
            var (loss, stepTokens) = Step(optimizer, parameters, step, microPerEpoch);
            tokens += stepTokens;
            smoothed = smoothed is null ? loss : 0.95 * smoothed + 0.05 * loss;
            progress.Step(step, smoothed.Value, learningRate, stepTokens);

            var done = step + 1;
            if (options.ValidationEvery > 0 && done % options.ValidationEvery == 0 && done < totalSteps)
            {
                validation = Validate(progress, done);
                Probe(progress, done);
            }
            if (options.CheckpointEvery > 0 && done % options.CheckpointEvery == 0 && done < totalSteps)
                SaveCheckpoint(optimizer, modelSourceDir, outDir, done, totalSteps, progress);
        }
        if (objective.ValidationSamples > 0)
            validation = Validate(progress, totalSteps);
        Probe(progress, totalSteps);
        return new TrainingResult(totalSteps - startStep, smoothed ?? double.NaN, validation, watch.Elapsed, tokens);
    }

    private (double Loss, long Tokens) Step(AdamW optimizer, IReadOnlyList<Parameter> parameters, int step, int microPerEpoch)
    {
        optimizer.zero_grad();
        using var accumulation = options.GradientAccumulation.ToScalar();
        double loss = 0;
        long tokens = 0;
        for (var a = 0; a < options.GradientAccumulation; a++)
        {
            using var scope = NewDisposeScope();
            var micro = (long)step * options.GradientAccumulation + a;
            var batch = Batch((int)(micro / microPerEpoch), (int)(micro % microPerEpoch));
            var result = objective.Loss(batch, validation: false);
            (result.Loss / accumulation).backward();
            loss += result.Loss.item<float>() / options.GradientAccumulation;
            tokens += result.Tokens;
        }
        nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
        optimizer.step();
        return (loss, tokens);
    }

    private int[] Batch(int epoch, int index)
    {
        if (_orderEpoch != epoch)
        {
            _order = EpochOrder(epoch);
            _orderEpoch = epoch;
        }
        return _order![(index * options.BatchSize)..((index + 1) * options.BatchSize)];
    }

    /// <summary>The sample order of one epoch: a function of the seed and the epoch only.</summary>
    private int[] EpochOrder(int epoch)
    {
        // A fixed formula, not HashCode.Combine (randomised per process), so orders repeat across runs.
        var random = new Random(unchecked(options.Seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, objective.TrainingSamples).ToArray();
        random.Shuffle(order);
        if (!options.GroupByLength || objective.TrainingLengths is not { } lengths) return order;

        var batches = new List<int[]>();
        var window = options.BatchSize * options.LengthGroupWindow;
        for (var start = 0; start < order.Length; start += window)
        {
            var sorted = order[start..Math.Min(order.Length, start + window)].OrderByDescending(i => lengths[i]).ToArray();
            for (var b = 0; b + options.BatchSize <= sorted.Length; b += options.BatchSize)
                batches.Add(sorted[b..(b + options.BatchSize)]);
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled.SelectMany(b => b)];
    }

    private double? Validate(ProgressBar progress, int step)
    {
        if (objective.ValidationSamples == 0) return null;
        using var noGrad = no_grad();
        double total = 0;
        long targets = 0;
        for (var start = 0; start < objective.ValidationSamples; start += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = Enumerable.Range(start, Math.Min(options.BatchSize, objective.ValidationSamples - start)).ToArray();
            var result = objective.Loss(batch, validation: true);
            total += result.Loss.item<float>() * result.Targets;
            targets += result.Targets;
        }
        var loss = total / Math.Max(1, targets);
        progress.Note($"[{objective.Name}] step {step}: validation loss {loss:F4}");
        return loss;
    }

    private void Probe(ProgressBar progress, int step)
    {
        if (probe is null) return;
        foreach (var line in probe.Measure(step)) progress.Note(line);
    }

    private AdamW CreateOptimizer(IReadOnlyList<Parameter> parameters)
    {
        var decayed = parameters.Where(p => p.dim() >= 2).ToList();
        var plain = parameters.Where(p => p.dim() < 2).ToList();
        var groups = new List<AdamW.ParamGroup>();
        if (decayed.Count > 0)
            groups.Add(new AdamW.ParamGroup(decayed, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = options.WeightDecay }));
        if (plain.Count > 0)
            groups.Add(new AdamW.ParamGroup(plain, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = 0 }));
        return new AdamW(groups, options.LearningRate, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: options.WeightDecay);
    }

    private TrainerState State(int step, int totalSteps) => new(objective.Name, step, totalSteps, options.BatchSize,
        options.GradientAccumulation, options.Seed, objective.TrainingSamples, options.LearningRate, options.GroupByLength,
        options.TrainVisionTower);

    private void SaveCheckpoint(AdamW optimizer, string modelSourceDir, string outDir, int step, int totalSteps,
        ProgressBar progress)
    {
        var target = Checkpoints.PathFor(outDir, step);
        // Assembled beside its final name and renamed, so a crash mid-write never leaves a checkpoint that looks complete.
        var partial = target + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        ModelFolder.Save(model, modelSourceDir, partial);
        optimizer.save_state_dict(Path.Combine(partial, TrainerState.OptimizerFileName));
        objective.Auxiliary?.save(Path.Combine(partial, TrainerState.AuxiliaryFileName));
        State(step, totalSteps).Write(partial);
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(partial, target);
        Checkpoints.Prune(outDir, options.KeepCheckpoints);
        progress.Note($"[{objective.Name}] step {step}: checkpoint {target}");
    }
}
