namespace Llava.Engine.Tokenization;

/// <summary>A token the Hugging Face tokenizer matches verbatim before segmentation.</summary>
internal sealed record AddedTokenDefinition(int Id, string Content, bool Special);
