using Llava.Model;
using Llava.Training.Modeling;
using Llava.Training.Shapes;
using Llava.Training.Tests.Support;
using Llava.Training.Text;
using Llava.Training.Trainers;
using static TorchSharp.torch;

namespace Llava.Training.Tests;

public sealed class TrainerTests : IClassFixture<TrainerTests.Setup>
{
    private readonly Setup _setup;

    public TrainerTests(Setup setup) => _setup = setup;

    public sealed class Setup : IDisposable
    {
        public TinySetup Tiny { get; } = new(trainScenes: 16);
        public void Dispose() => Tiny.Dispose();
    }

    private static TrainingOptions Options(int steps, int batch = 4) =>
        new() { MaxSteps = steps, BatchSize = batch, LearningRate = 1e-2, WarmupRatio = 0, MinLearningRateRatio = 1 };

    [Fact]
    public void The_loss_counts_only_assistant_tokens()
    {
        using var model = _setup.Tiny.LoadModel();
        var samples = _setup.Tiny.Samples(model).Take(3).ToList();
        var objective = new LanguageObjective(model, TrainingStage.Finetune, samples, [], _setup.Tiny.Images);
        using var scope = NewDisposeScope();

        var loss = objective.Loss(samples).Loss.item<float>();

        // The same quantity by hand: per-position cross-entropy from the model's logits, averaged over the positions
        // whose next token is labelled, and, for contrast, over every position.
        double masked = 0, all = 0;
        int maskedCount = 0, allCount = 0;
        foreach (var sample in samples)
        {
            using var pixels = _setup.Tiny.Images.Pixels([sample.Image!]);
            var embeds = model.EmbedPrompt(tensor(sample.Encoded.Ids.Select(i => (long)i).ToArray()), model.GetImageFeatures(pixels));
            var logProbs = model.Forward(embeds.unsqueeze(0))[0].log_softmax(-1);
            for (var t = 0; t + 1 < sample.Encoded.Ids.Length; t++)
            {
                var nll = -logProbs[t, sample.Encoded.Ids[t + 1]].item<float>();
                all += nll;
                allCount++;
                if (sample.Encoded.Labels[t + 1] == EncodedConversation.Ignore) continue;
                masked += nll;
                maskedCount++;
            }
        }
        Assert.Equal(masked / maskedCount, loss, 4);
        Assert.NotEqual(all / allCount, loss, 2);
    }

    [Fact]
    public void A_stage_1_step_changes_only_the_projector()
    {
        using var model = _setup.Tiny.LoadModel();
        var samples = _setup.Tiny.Samples(model, ShapesDataset.Pretrain);
        using var before = new ParameterSnapshot(model);
        var objective = new LanguageObjective(model, TrainingStage.Pretrain, samples, [], _setup.Tiny.Images);
        new Trainer(model, objective, Options(1), TextWriter.Null).Run(_setup.Tiny.ModelDir, _setup.Tiny.Scratch("stage1"));

        var changed = before.Changed(model);
        var projector = model.multi_modal_projector.named_parameters().Select(p => "multi_modal_projector." + p.name).ToList();
        Assert.Equal(projector.Order(), changed.Order());
    }

    [Fact]
    public void A_stage_2_step_never_changes_the_vision_tower()
    {
        using var model = _setup.Tiny.LoadModel();
        var samples = _setup.Tiny.Samples(model);
        using var before = new ParameterSnapshot(model);
        var objective = new LanguageObjective(model, TrainingStage.Finetune, samples, [], _setup.Tiny.Images);
        new Trainer(model, objective, Options(2), TextWriter.Null).Run(_setup.Tiny.ModelDir, _setup.Tiny.Scratch("stage2"));

        var changed = before.Changed(model);
        Assert.DoesNotContain(changed, name => name.StartsWith("vision_tower.", StringComparison.Ordinal));
        Assert.Contains(changed, name => name.StartsWith("multi_modal_projector.", StringComparison.Ordinal));
        Assert.Contains(changed, name => name.StartsWith("language_model.model.layers.", StringComparison.Ordinal));
        Assert.Contains("language_model.lm_head.weight", changed);
    }

    [Theory]
    [InlineData(TrainingStage.Pretrain)]
    [InlineData(TrainingStage.Finetune)]
    public void With_the_vision_tower_trained_a_step_changes_exactly_the_layers_llava_reads(TrainingStage stage)
    {
        using var model = _setup.Tiny.LoadModel();
        var samples = _setup.Tiny.Samples(model, stage == TrainingStage.Pretrain ? ShapesDataset.Pretrain : ShapesDataset.Instruct);
        using var before = new ParameterSnapshot(model);
        var objective = new LanguageObjective(model, stage, samples, [], _setup.Tiny.Images, trainVisionTower: true);
        new Trainer(model, objective, Options(2), TextWriter.Null).Run(_setup.Tiny.ModelDir, _setup.Tiny.Scratch("vision-" + stage.Name()));

        // Features come from layer vision_feature_layer (-2: the output of all but the last encoder layer), so the
        // last layer and post_layernorm get no gradient: they must neither change nor be counted as trained.
        var changed = before.Changed(model);
        var used = model.Config.VisionFeatureLayerIndex;
        var layers = model.Config.Vision.NumHiddenLayers;
        Assert.Contains("vision_tower.vision_model.embeddings.patch_embedding.weight", changed);
        Assert.Contains("vision_tower.vision_model.pre_layrnorm.weight", changed);
        for (var layer = 0; layer < layers; layer++)
        {
            var prefix = $"vision_tower.vision_model.encoder.layers.{layer}.";
            Assert.Equal(layer < used, changed.Any(name => name.StartsWith(prefix, StringComparison.Ordinal)));
        }
        Assert.DoesNotContain(changed, name => name.StartsWith("vision_tower.vision_model.post_layernorm.", StringComparison.Ordinal));
        Assert.DoesNotContain(objective.Parameters, p => p.grad is null);
        Assert.Equal(stage == TrainingStage.Finetune, changed.Contains("language_model.lm_head.weight"));
    }

    [Theory]
    [InlineData(TrainingStage.Lm)]
    [InlineData(TrainingStage.Clip)]
    public void Only_the_llava_stages_can_train_the_vision_tower_alongside(TrainingStage stage)
    {
        using var model = _setup.Tiny.LoadModel();
        var error = Assert.Throws<ArgumentException>(() => TrainingStages.Unfreeze(model, stage, visionTower: true));
        Assert.Contains(stage.Name(), error.Message);
    }

    [Fact]
    public void A_few_steps_lower_the_loss_on_a_fixed_batch()
    {
        using var model = _setup.Tiny.LoadModel();
        var batch = _setup.Tiny.Samples(model).Take(4).ToList();
        var objective = new LanguageObjective(model, TrainingStage.Finetune, batch, [], _setup.Tiny.Images);
        double Loss()
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return objective.Loss(batch).Loss.item<float>();
        }

        var initial = Loss();
        new Trainer(model, objective, Options(30), TextWriter.Null).Run(_setup.Tiny.ModelDir, _setup.Tiny.Scratch("fixed"));
        var trained = Loss();

        Assert.True(trained < initial * 0.6, $"loss went from {initial:F3} to {trained:F3}");
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one()
    {
        var options = Options(4) with { CheckpointEvery = 2, KeepCheckpoints = 3 };
        var straight = _setup.Tiny.Scratch("straight");
        using var uninterrupted = _setup.Tiny.LoadModel();
        Train(uninterrupted, options, straight, resumeFrom: null);

        // The second run resumes from the first run's step-2 checkpoint, as after a crash at step 3.
        var checkpoint = Checkpoints.PathFor(straight, 2);
        Assert.Equal([checkpoint], Checkpoints.All(straight));
        using var resumed = LlavaForConditionalGeneration.FromPretrained(checkpoint);
        Train(resumed, options, _setup.Tiny.Scratch("resumed"), checkpoint);

        using var expected = new ParameterSnapshot(uninterrupted);
        Assert.Empty(expected.Changed(resumed));
    }

    private void Train(LlavaForConditionalGeneration model, TrainingOptions options, string outDir, string? resumeFrom)
    {
        var objective = new LanguageObjective(model, TrainingStage.Finetune, _setup.Tiny.Samples(model), [], _setup.Tiny.Images);
        new Trainer(model, objective, options, TextWriter.Null).Run(resumeFrom ?? _setup.Tiny.ModelDir, outDir, resumeFrom);
    }

    [Fact]
    public void Contrastive_pretraining_updates_only_the_vision_tower_and_lowers_its_loss()
    {
        using var model = _setup.Tiny.LoadModel();
        var (captions, issues) = TrainingData.Captions(
            Data.LlavaJson.Read(Path.Combine(_setup.Tiny.DataDir, ShapesDataset.Pretrain)), _setup.Tiny.Tokenizer, _setup.Tiny.Images, 64);
        Assert.Empty(issues);
        var batch = captions.Take(8).ToList();
        using var tower = new ClipTextTower(model.Config.Text.VocabSize, model.Config.Vision.HiddenSize, 16, 1, 16);
        var objective = new ContrastiveObjective(model, tower, batch, [], _setup.Tiny.Images);
        using var before = new ParameterSnapshot(model);
        double Loss()
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return objective.Loss(batch).Loss.item<float>();
        }

        var initial = Loss();
        new Trainer(model, objective, Options(60, batch: 8) with { LearningRate = 3e-3 }, TextWriter.Null).Run(_setup.Tiny.ModelDir, _setup.Tiny.Scratch("clip"));

        Assert.True(Loss() < initial * 0.75, $"contrastive loss went from {initial:F3} to {Loss():F3}");
        Assert.All(before.Changed(model), name => Assert.StartsWith("vision_tower.", name));
    }

    [Fact]
    public void Patch_labels_join_the_contrastive_loss_and_train_a_head_beside_the_vision_tower()
    {
        using var model = _setup.Tiny.LoadModel();
        var scenes = Shapes.SceneAnnotationsJson.Read(Path.Combine(_setup.Tiny.DataDir, ShapesDataset.Scenes));
        var (captions, issues) = TrainingData.SceneCaptions(scenes, _setup.Tiny.Tokenizer, _setup.Tiny.Images, 64, 0, 1);
        Assert.Empty(issues);
        var batch = captions.Take(8).ToList();
        Assert.All(batch, s =>
        {
            Assert.NotNull(s.Objects);
            Assert.NotEmpty(s.Objects);
        });
        using var tower = new ClipTextTower(model.Config.Text.VocabSize, model.Config.Vision.HiddenSize, 16, 1, 16);
        var plain = new ContrastiveObjective(model, tower, batch, [], _setup.Tiny.Images);
        var objective = new ContrastiveObjective(model, tower, batch, [], _setup.Tiny.Images, patchLabelWeight: 1);
        double LossOf(ContrastiveObjective o)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return o.Loss(batch).Loss.item<float>();
        }

        // An untrained head is near chance on both attributes, which the contrastive loss alone does not contain.
        var initial = LossOf(objective);
        var initialPlain = LossOf(plain);
        Assert.True(initial > LossOf(plain) + 1, $"with patch labels {initial:F3}, without {LossOf(plain):F3}");
        var head = Assert.IsType<ContrastiveHeads>(objective.Auxiliary).patches;
        using var headBefore = head.shape.weight.clone();
        using var before = new ParameterSnapshot(model);
        new Trainer(model, objective, Options(60, batch: 8), TextWriter.Null).Run(_setup.Tiny.ModelDir, _setup.Tiny.Scratch("patches"));

        var patchLoss = (Before: initial - initialPlain, After: LossOf(objective) - LossOf(plain));
        Assert.True(patchLoss.After < patchLoss.Before * 0.6, $"patch loss went from {patchLoss.Before:F3} to {patchLoss.After:F3}");
        Assert.False(head.shape.weight.allclose(headBefore, rtol: 0, atol: 0));
        Assert.All(before.Changed(model), name => Assert.StartsWith("vision_tower.", name));
    }

    [Fact]
    public void A_probe_file_reads_the_pictures_beside_it_and_one_whose_pictures_are_missing_stops_the_run_before_it_trains()
    {
        var scenesFile = Path.Combine(_setup.Tiny.DataDir, ShapesDataset.Scenes);
        var scenes = SceneAnnotationsJson.Read(scenesFile).Take(3).ToList();
        var elsewhere = _setup.Tiny.Scratch("probe-elsewhere");
        Directory.CreateDirectory(Path.Combine(elsewhere, ShapesDataset.ImagesFolder));
        var moved = scenes.Select(s => s with { Image = "elsewhere-" + s.Image }).ToList();
        for (var i = 0; i < scenes.Count; i++)
            File.Copy(_setup.Tiny.Images.PathOf(scenes[i].Image), Path.Combine(elsewhere, ShapesDataset.ImagesFolder, moved[i].Image));
        var probeFile = Path.Combine(elsewhere, "held-out.json");
        SceneAnnotationsJson.Write(probeFile, moved);
        var bare = _setup.Tiny.Scratch("probe-bare");
        Directory.CreateDirectory(bare);
        var missingFile = Path.Combine(bare, "missing.json");
        SceneAnnotationsJson.Write(missingFile, moved);

        (int Exit, string Error) Train(string probe, string outDir)
        {
            var error = new StringWriter();
            var exit = Cli.CommandLine.Run(["train", "--stage", "clip", "--model", _setup.Tiny.ModelDir, "--data", scenesFile, "--out", outDir,
                "--patch-labels", "1", "--patch-labels-only", "--max-steps", "1", "--batch-size", "4", "--threads", "1", "--probe", probe],
                TextWriter.Null, error);
            return (exit, error.ToString());
        }

        var found = _setup.Tiny.Scratch("probe-found");
        Assert.Equal((0, ""), Train(probeFile, found));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(found, PatchProbe.FileName)));
        var set = json.RootElement.EnumerateArray().Last().GetProperty("sets")[0];
        Assert.Equal(("held-out", 3), (set.GetProperty("set").GetString(), set.GetProperty("scenes").GetInt32()));

        var stopped = _setup.Tiny.Scratch("probe-missing");
        var (exit, message) = Train(missingFile, stopped);
        Assert.Equal(2, exit);
        Assert.Contains($"picture {moved[0].Image} is not in", message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(stopped, "config.json")));
    }

    [Fact]
    public void Patch_labels_alone_train_the_used_layers_without_a_text_tower_and_the_probe_records_each_validation()
    {
        using var model = _setup.Tiny.LoadModel();
        var scenesFile = Path.Combine(_setup.Tiny.DataDir, ShapesDataset.Scenes);
        var scenes = Shapes.SceneAnnotationsJson.Read(scenesFile);
        var (samples, issues) = TrainingData.SceneCaptions(scenes, _setup.Tiny.Tokenizer, _setup.Tiny.Images, 64, 0, 1);
        Assert.Empty(issues);
        Assert.Throws<ArgumentException>(() => new ContrastiveObjective(model, null, samples, [], _setup.Tiny.Images));
        var objective = new ContrastiveObjective(model, null, samples, [], _setup.Tiny.Images, patchLabelWeight: 1);
        Assert.IsType<PatchAttributeHead>(objective.Auxiliary);
        var outDir = _setup.Tiny.Scratch("patches-only");
        var probe = new PatchProbe(model, objective.PatchHead!, objective.PatchLabels!,
            [new PatchProbe.Set("train", scenes, _setup.Tiny.Images)], Path.Combine(outDir, PatchProbe.FileName));
        var before = probe.Measure(0);
        using var snapshot = new ParameterSnapshot(model);
        var output = new StringWriter();

        new Trainer(model, objective, Options(60, batch: 8) with { ValidationEvery = 20 }, output, probe).Run(_setup.Tiny.ModelDir, outDir);

        // The features LLaVA reads (vision_feature_layer -2 of 2) come from the first layer: the last layer and the
        // post-layernorm, read only by a contrastive loss, get no gradient and stay as they were.
        var changed = snapshot.Changed(model);
        Assert.Contains("vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight", changed);
        Assert.All(changed, name => Assert.StartsWith("vision_tower.vision_model.", name));
        Assert.DoesNotContain(changed, name => name.Contains("encoder.layers.1.", StringComparison.Ordinal) || name.Contains("post_layernorm", StringComparison.Ordinal));
        var probeLines = output.ToString().Split('\n').Where(line => line.StartsWith("[probe] step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, probeLines.Count(line => line.Contains("object patches shape", StringComparison.Ordinal)));
        Assert.Equal(3, probeLines.Count(line => line.Contains("by group, object-patch shape / objects named shape: size ", StringComparison.Ordinal)));

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, PatchProbe.FileName)));
        var steps = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([0, 20, 40, 60], steps.Select(s => s.GetProperty("step").GetInt32()));
        var last = steps[^1].GetProperty("sets")[0];
        Assert.Equal("train", last.GetProperty("set").GetString());
        Assert.Equal(scenes.Count * model.Config.Vision.NumPatches, last.GetProperty("patches").GetInt64());
        // Every object patch falls in one size bucket and one row of the shape confusion.
        var objectPatches = last.GetProperty("object_patches").GetInt64();
        var groups = last.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(objectPatches, groups.Where(g => g.GetProperty("name").GetString()!.StartsWith("size ", StringComparison.Ordinal))
            .Sum(g => g.GetProperty("object_patches").GetInt64()));
        Assert.Equal("all", groups[0].GetProperty("name").GetString());
        Assert.Equal(objectPatches, groups[0].GetProperty("object_patches").GetInt64());
        Assert.Equal(scenes.Sum(s => s.Objects.Count), groups[0].GetProperty("objects").GetInt64());
        var confusion = last.GetProperty("shape_confusion");
        Assert.Equal("background", confusion.GetProperty("classes")[0].GetString());
        Assert.Equal(objectPatches, confusion.GetProperty("counts").EnumerateArray().SelectMany(row => row.EnumerateArray()).Sum(c => c.GetInt64()));
        var first = steps[0].GetProperty("sets")[0];
        Assert.True(last.GetProperty("object_shape").GetDouble() > first.GetProperty("object_shape").GetDouble(), string.Join("\n", before));
    }

    [Fact]
    public void The_schedule_warms_up_linearly_then_follows_a_cosine_to_the_floor()
    {
        var schedule = new LearningRateSchedule(1.0, totalSteps: 110, warmupSteps: 10, minRatio: 0.1);
        Assert.Equal(0.1, schedule.At(0), 9);
        Assert.Equal(1.0, schedule.At(9), 9);
        Assert.Equal(1.0, schedule.At(10), 9);
        Assert.Equal(0.55, schedule.At(60), 9);
        Assert.Equal(0.1, schedule.At(110), 9);
    }

    [Fact]
    public void Saved_folders_hold_the_weights_under_the_hub_names()
    {
        using var model = _setup.Tiny.LoadModel();
        var outDir = _setup.Tiny.Scratch("saved");
        ModelFolder.Save(model, _setup.Tiny.ModelDir, outDir);
        using var checkpoint = Llava.Model.Weights.SafeTensorsCheckpoint.Open(outDir);
        Assert.Equal(model.named_parameters().Select(p => p.name).Order(), checkpoint.TensorNames.Order());
        Assert.True(File.Exists(Path.Combine(outDir, "tokenizer.model")));
        Assert.True(File.Exists(Path.Combine(outDir, "preprocessor_config.json")));
    }
}
