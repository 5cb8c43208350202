namespace Llava.Engine.Prompting;

/// <summary>Where a model's chat template came from, in the order they are looked for (unless overridden).</summary>
public enum ChatTemplateOrigin
{
    /// <summary><c>chat_template.json</c> (<c>{"chat_template": "…"}</c>), the processor's legacy file, which wins.</summary>
    ChatTemplateJson,

    /// <summary><c>chat_template.jinja</c>, the processor's current file.</summary>
    ChatTemplateJinja,

    /// <summary>The <c>chat_template</c> entry of <c>tokenizer_config.json</c> (a string, or the template named "default").</summary>
    TokenizerConfig,

    /// <summary>None of the above: <see cref="Llava15FallbackTemplate"/>.</summary>
    BuiltInLlava15,

    /// <summary>Given by the operator (<c>--chat-template</c>, a file or the template text), replacing all of the above.</summary>
    Override,
}
