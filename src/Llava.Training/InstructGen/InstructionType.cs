namespace Llava.Training.InstructGen;

/// <summary>The three kinds of LLaVA-Instruct data.</summary>
public enum InstructionType
{
    Conversation,
    Detail,
    Reasoning,
}

public static class InstructionTypes
{
    public static string Name(this InstructionType type) => type.ToString().ToLowerInvariant();

    public static InstructionType Parse(string name) => name switch
    {
        "conversation" => InstructionType.Conversation,
        "detail" => InstructionType.Detail,
        "reasoning" => InstructionType.Reasoning,
        _ => throw new ArgumentException($"unknown instruction type '{name}' (conversation, detail, reasoning)"),
    };
}
