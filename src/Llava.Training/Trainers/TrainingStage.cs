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

    /// <summary>LLaVA stage 1, feature alignment: only the projector learns.</summary>
    Pretrain,

    /// <summary>LLaVA stage 2, instruction tuning: projector and language model learn, the vision tower stays frozen.</summary>
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
    public static IReadOnlyList<Parameter> Unfreeze(LlavaForConditionalGeneration model, TrainingStage stage)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad_(false);
        IEnumerable<Parameter> trained = stage switch
        {
            TrainingStage.Clip => model.vision_tower.parameters(),
            TrainingStage.Lm => model.language_model.parameters(),
            TrainingStage.Pretrain => model.multi_modal_projector.parameters(),
            TrainingStage.Finetune => model.multi_modal_projector.parameters().Concat(model.language_model.parameters()),
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
        };
        var list = trained.Distinct().ToList();
        foreach (var parameter in list) parameter.requires_grad_(true);
        return list;
    }
}
