namespace LlavaServer.Api.Tools;

/// <summary>
/// A step of the calls being read from constrained output: a call's start (<see cref="Id"/> and <see cref="Name"/>
/// set, <see cref="Arguments"/> empty) or more of its arguments text — what one <c>delta.tool_calls</c> entry carries.
/// </summary>
internal sealed record ToolCallDelta(int Index, string? Id, string? Name, string Arguments)
{
    public static string NewId() => "call_" + Guid.NewGuid().ToString("N")[..24];
}

/// <summary>Turns the generated text of one choice, piece by piece, into tool-call steps.</summary>
internal interface IToolCallReader
{
    /// <summary>The steps this piece of text completes; text that does not yet finish a step is held.</summary>
    IReadOnlyList<ToolCallDelta> Read(string text);

    /// <summary>Whether the text read so far is whole calls (its root value has closed).</summary>
    bool Complete { get; }
}
