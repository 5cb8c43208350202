namespace Llava.Engine.Prompting;

/// <summary>
/// The chat template used when a checkpoint ships none: the LLaVA-1.5 conversation format
/// <c>USER: &lt;image&gt;\n… ASSISTANT:</c>.
/// </summary>
/// <remarks>
/// This is the <c>chat_template.json</c> of <c>llava-hf/llava-1.5-7b-hf</c> verbatim (identical in llava-1.5-13b-hf and
/// llava-v1.6-vicuna-*-hf): roles upper-cased (<c>USER: </c>, <c>ASSISTANT: </c>; system messages get no prefix), all
/// images of a message first as <c>&lt;image&gt;\n</c>, then every text part followed by one space, no end-of-sequence
/// marker after assistant turns, and <c>ASSISTANT:</c> as the generation prompt. It loops over content parts, so
/// <see cref="ContentFormatDetector"/> finds it <see cref="ChatTemplateContentFormat.OpenAI"/> and plain-string content
/// reaches it as one text part instead of vanishing.
/// </remarks>
public static class Llava15FallbackTemplate
{
    public const string Source =
        "{% for message in messages %}"
        + "{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}{% endif %}"
        + "{# Render all images first #}"
        + "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}"
        + "{# Render all text next #}"
        + "{% if message['role'] != 'assistant' %}"
        + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' '}}{% endfor %}"
        + "{% else %}"
        + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{% generation %}{{ content['text'] + ' '}}{% endgeneration %}{% endfor %}"
        + "{% endif %}"
        + "{% endfor %}"
        + "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}";
}
