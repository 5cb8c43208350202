namespace Llava.Engine.Prompting;

/// <summary>
/// How message content is handed to a chat template (vLLM's <c>--chat-template-content-format</c>): templates written
/// for plain strings print <c>message['content']</c>, templates written for OpenAI's parts loop over it.
/// </summary>
public enum ChatTemplateContentFormat
{
    /// <summary>Detect it from the template (<see cref="ContentFormatDetector"/>).</summary>
    Auto,

    /// <summary>
    /// Content is a string: string content as sent, parts content flattened as vLLM does (one <c>&lt;image&gt;</c>
    /// line per image, then the text parts joined by newlines).
    /// </summary>
    String,

    /// <summary>
    /// Content is a list of parts (<c>{"type": "text", "text": …}</c>, <c>{"type": "image"}</c>): string content becomes
    /// one text part.
    /// </summary>
    OpenAI,
}
