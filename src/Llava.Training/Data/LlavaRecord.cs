namespace Llava.Training.Data;

/// <summary>One turn of a LLaVA conversation: <c>from</c> is "human" or "gpt".</summary>
public sealed record LlavaTurn(string From, string Value)
{
    public const string Human = "human";
    public const string Gpt = "gpt";

    /// <summary>Where the image goes in a human turn, as in LLaVA's data.</summary>
    public const string ImagePlaceholder = "<image>";
}

/// <summary>
/// One record of a LLaVA data file (LLaVA-CC3M-Pretrain-595K, LLaVA-Instruct-150K):
/// <c>{"id", "image", "conversations": [{"from", "value"}, …]}</c>. <see cref="Image"/> is relative to the image
/// folder and null for text-only records.
/// </summary>
public sealed record LlavaRecord(string Id, string? Image, IReadOnlyList<LlavaTurn> Conversations)
{
    /// <summary>A single-turn record: the image first, then the question; the answer from the assistant.</summary>
    public static LlavaRecord SingleTurn(string id, string image, string question, string answer) =>
        new(id, image, [new(LlavaTurn.Human, LlavaTurn.ImagePlaceholder + "\n" + question), new(LlavaTurn.Gpt, answer)]);

    /// <summary>A multi-turn record; the image placeholder opens the first question, as in LLaVA-Instruct.</summary>
    public static LlavaRecord MultiTurn(string id, string image, IReadOnlyList<(string Question, string Answer)> turns)
    {
        var conversation = new List<LlavaTurn>(turns.Count * 2);
        for (var i = 0; i < turns.Count; i++)
        {
            var question = i == 0 ? LlavaTurn.ImagePlaceholder + "\n" + turns[i].Question : turns[i].Question;
            conversation.Add(new(LlavaTurn.Human, question));
            conversation.Add(new(LlavaTurn.Gpt, turns[i].Answer));
        }
        return new(id, image, conversation);
    }

    public bool Equals(LlavaRecord? other) =>
        other is not null && Id == other.Id && Image == other.Image && Conversations.SequenceEqual(other.Conversations);

    public override int GetHashCode() => HashCode.Combine(Id, Image, Conversations.Count);
}
