namespace Llava.Training.Data;

/// <summary>The structural rules a record must satisfy before it can be trained on.</summary>
public static class LlavaRecordValidator
{
    /// <exception cref="FormatException">The record breaks a rule; the message says which.</exception>
    public static void Validate(LlavaRecord record)
    {
        var turns = record.Conversations;
        if (turns.Count < 2)
            throw new FormatException("a conversation needs at least one human turn and one gpt turn");
        for (var i = 0; i < turns.Count; i++)
        {
            var expected = i % 2 == 0 ? LlavaTurn.Human : LlavaTurn.Gpt;
            if (turns[i].From != expected)
                throw new FormatException($"turn {i} is from '{turns[i].From}' but turns must alternate human, gpt starting with human");
        }
        if (turns.Count % 2 != 0)
            throw new FormatException("the conversation ends with a human turn that has no answer");

        var placeholders = turns.Select(t => Count(t.Value, LlavaTurn.ImagePlaceholder)).ToList();
        var total = placeholders.Sum();
        if (record.Image is null && total > 0)
            throw new FormatException($"the record has no image but {total} {LlavaTurn.ImagePlaceholder} placeholder(s)");
        if (record.Image is not null && (total != 1 || placeholders[0] != 1))
            throw new FormatException($"an image record needs exactly one {LlavaTurn.ImagePlaceholder}, in the first human turn (found {total})");
        for (var i = 1; i < turns.Count; i += 2)
        {
            if (string.IsNullOrWhiteSpace(turns[i].Value))
                throw new FormatException($"turn {i} (gpt) is empty");
        }
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
