namespace Llava.Training.Text;

/// <summary>
/// Token ids of a whole conversation (image placeholders expanded to one position per image feature) and the label of
/// each position: the token itself where the assistant speaks, <see cref="Ignore"/> everywhere else.
/// </summary>
public sealed record EncodedConversation(int[] Ids, int[] Labels)
{
    /// <summary>PyTorch's ignore_index: positions with this label add nothing to the loss.</summary>
    public const int Ignore = -100;

    public int TrainedTokens => Labels.Count(l => l != Ignore);
}
