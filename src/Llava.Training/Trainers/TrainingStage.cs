using Llava.Model;
using TorchSharp.Modules;

namespace Llava.Training.Trainers;

/// <summary>The stages of the recipe, named as the <c>train</c> command takes them.</summary>
public enum TrainingStage
{
    /// <summary>Contrastive image–caption pretraining of the vision tower.</summary>
    Clip,

    /// <summary>Next-token pretraining of the language model on text.</summary>
    Lm,

    /// <summary>
    /// LLaVA stage 1, feature alignment: only the projector learns, unless <see cref="TrainingOptions.TrainVisionTower"/>
    /// makes it a captioning pretraining of the vision tower too.
    /// </summary>
    Pretrain,

    /// <summary>
    /// LLaVA stage 2, instruction tuning: projector and language model learn; the vision tower stays frozen unless
    /// <see cref="TrainingOptions.TrainVisionTower"/> is set.
    /// </summary>
    Finetune,
}

public static class TrainingStages
{
    public static TrainingStage Parse(string name) => name switch
    {
        "clip" => TrainingStage.Clip,
        "lm" => TrainingStage.Lm,
        "pretrain" => TrainingStage.Pretrain,
        "finetune" => TrainingStage.Finetune,
        _ => throw new ArgumentException($"unknown stage '{name}' (clip, lm, pretrain, finetune)"),
    };

    public static string Name(this TrainingStage stage) => stage.ToString().ToLowerInvariant();

    /// <summary>
    /// Freezes the whole model, then unfreezes and returns the parameters <paramref name="stage"/> trains — so nothing
    /// else can change, whatever an earlier stage left unfrozen.
    /// </summary>
    public static IReadOnlyList<Parameter> Unfreeze(LlavaForConditionalGeneration model, TrainingStage stage, bool visionTower = false)
    {
        if (visionTower && stage is not (TrainingStage.Pretrain or TrainingStage.Finetune))
            throw new ArgumentException($"only the pretrain and finetune stages can also train the vision tower, not {stage.Name()}", nameof(visionTower));
        foreach (var parameter in model.parameters()) parameter.requires_grad_(false);
        IEnumerable<Parameter> trained = stage switch
        {
            TrainingStage.Clip => model.vision_tower.parameters(),
            TrainingStage.Lm => model.language_model.parameters(),
            TrainingStage.Pretrain => model.multi_modal_projector.parameters().Concat(visionTower ? UsedVisionParameters(model) : []),
            TrainingStage.Finetune => model.multi_modal_projector.parameters().Concat(model.language_model.parameters())
                .Concat(visionTower ? UsedVisionParameters(model) : []),
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
        };
        var list = trained.Distinct().ToList();
        foreach (var parameter in list) parameter.requires_grad_(true);
        return list;
    }

    /// <summary>
    /// The vision tower's parameters that the LLaVA forward reads: features come from layer
    /// <c>vision_feature_layer</c>, so the layers after it and <c>post_layernorm</c> get no gradient and stay as they are.
    /// </summary>
    private static IEnumerable<Parameter> UsedVisionParameters(LlavaForConditionalGeneration model)
    {
        var tower = model.vision_tower.vision_model;
        return tower.embeddings.parameters().Concat(tower.pre_layrnorm.parameters())
            .Concat(tower.encoder.layers.Take(model.Config.VisionFeatureLayerIndex).SelectMany(l => l.parameters()));
    }
}
