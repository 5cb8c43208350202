using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>What contrastive pretraining with patch labels trains beside the vision tower, saved with its checkpoints.</summary>
public sealed class ContrastiveHeads : nn.Module
{
    public readonly ClipTextTower text;
    public readonly PatchAttributeHead patches;

    public ContrastiveHeads(ClipTextTower text, PatchAttributeHead patches) : base(nameof(ContrastiveHeads))
    {
        this.text = text;
        this.patches = patches;
        RegisterComponents();
    }
}
