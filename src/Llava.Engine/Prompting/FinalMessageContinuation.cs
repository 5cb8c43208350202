namespace Llava.Engine.Prompting;

/// <summary>
/// Assistant prefill as transformers' <c>apply_chat_template(continue_final_message=True)</c> does it: render the
/// conversation, find the final message's text (its last text part) at its last occurrence, and cut the prompt right
/// after it — dropping whatever end-of-turn the template wrote — keeping trailing spaces of the message only when the
/// template kept them too.
/// </summary>
internal static class FinalMessageContinuation
{
    /// <exception cref="PromptException">The final message has no text, or the template did not render it verbatim.</exception>
    public static string Cut(string rendered, ChatMessage final)
    {
        var text = final.Text ?? final.Parts?.OfType<TextPart>().LastOrDefault()?.Text
            ?? throw new PromptException("continue_final_message needs text in the final message to continue", "messages");
        var stripped = text.Trim();
        var at = rendered.LastIndexOf(stripped, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new PromptException(
                "continue_final_message: the final message does not appear in the prompt the chat template renders, so it cannot be continued",
                "messages");
        }
        // transformers compares the rendered slice with the untrimmed message: a leading space, or trailing spaces the
        // template dropped, make it cut after the trimmed text.
        var leftTrimmed = text.TrimStart();
        var keepsSpacing = leftTrimmed.Length == text.Length && rendered.AsSpan(at).StartsWith(text, StringComparison.Ordinal);
        return rendered[..(at + (keepsSpacing ? leftTrimmed.Length : stripped.Length))];
    }
}
