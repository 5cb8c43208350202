namespace Llava.Engine.Prompting;

/// <summary>
/// The chat template used when a checkpoint ships none: the LLaVA-1.5 conversation format
/// <c>USER: &lt;image&gt;\n… ASSISTANT:</c>.
/// </summary>
/// <remarks>
/// This is the <c>chat_template.json</c> of <c>llava-hf/llava-1.5-7b-hf</c> (identical in llava-1.5-13b-hf and
/// llava-v1.6-vicuna-*-hf), with one addition: a message whose content is a plain string is rendered as if it were a
/// single text part. For list-of-parts content the output is byte-identical to the Hub template: roles upper-cased
/// (<c>USER: </c>, <c>ASSISTANT: </c>; system messages get no prefix), all images of a message first as
/// <c>&lt;image&gt;\n</c>, then every text part followed by one space, no end-of-sequence marker after assistant
/// turns, and <c>ASSISTANT:</c> as the generation prompt. The Hub template would silently drop plain-string content
/// (it iterates the string's characters looking for parts); vLLM avoids that by turning strings into a text part
/// before rendering such templates, and this fallback does the same inside the template.
/// </remarks>
public static class Llava15FallbackTemplate
{
    public const string Source =
        "{% for message in messages %}"
        + "{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}{% endif %}"
        + "{% if message['content'] is string %}"
        + "{{ message['content'] + ' ' }}"
        + "{% else %}"
        + "{# Render all images first #}"
        + "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}"
        + "{# Render all text next #}"
        + "{% if message['role'] != 'assistant' %}"
        + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' '}}{% endfor %}"
        + "{% else %}"
        + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{% generation %}{{ content['text'] + ' '}}{% endgeneration %}{% endfor %}"
        + "{% endif %}"
        + "{% endif %}"
        + "{% endfor %}"
        + "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}";
}
