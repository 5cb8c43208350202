namespace LlavaServer.Api.Tools;

/// <summary>
/// Output of a named <c>tool_choice</c>: constrained to the function's arguments object itself, so the whole text is
/// the arguments of one call, announced with the first text.
/// </summary>
internal sealed class NamedToolCallReader(string name) : IToolCallReader
{
    private JsonNesting _nesting;
    private bool _started;

    public bool Complete => _nesting.Closed;

    public IReadOnlyList<ToolCallDelta> Read(string text)
    {
        if (text.Length == 0) return [];
        foreach (var c in text) _nesting.Step(c);
        if (_started) return [new ToolCallDelta(0, null, null, text)];
        _started = true;
        return [new ToolCallDelta(0, ToolCallDelta.NewId(), name, ""), new ToolCallDelta(0, null, null, text)];
    }
}
