using System.Text;

namespace LlavaServer.Api.Tools;

/// <summary>
/// Output of <c>tool_choice: "required"</c>, which is constrained to <c>[{"name": …, "parameters": {…}}, …]</c>
/// (<see cref="ToolCallSchema"/>), read as it is generated: a call starts once its name has closed, and its
/// arguments are the raw text of <c>parameters</c>, passed on as it comes. The grammar lets the two keys come in
/// either order, so arguments written before the name wait for it.
/// </summary>
internal sealed class ToolCallArrayReader : IToolCallReader
{
    /// <summary>Depth inside an element object of the array: where its keys are.</summary>
    private const int ElementDepth = 2;

    private enum Capture { Off, Waiting, On }

    private JsonNesting _nesting;
    private readonly StringBuilder _string = new();
    private string? _key;
    private bool _afterColon;
    private Capture _capture;
    private int _calls;
    private Call? _call;
    private List<ToolCallDelta> _steps = [];

    private sealed class Call(int index)
    {
        public int Index { get; } = index;
        public string? Name { get; set; }
        public StringBuilder Waiting { get; } = new();
        public StringBuilder Piece { get; } = new();
    }

    public bool Complete => _nesting.Closed;

    public IReadOnlyList<ToolCallDelta> Read(string text)
    {
        foreach (var c in text) Step(c);
        FlushPiece();
        var steps = _steps;
        _steps = [];
        return steps;
    }

    private void Step(char c)
    {
        var depth = _nesting.Depth;
        var inString = _nesting.InString;
        // A scalar value of parameters ends at the delimiter after it, which is structure again.
        if (_capture == Capture.On && !inString && depth == ElementDepth && c is ',' or '}')
            _capture = Capture.Off;
        if (_capture == Capture.Waiting && !char.IsWhiteSpace(c))
            _capture = Capture.On;
        if (_capture == Capture.On)
            Arguments(c);
        _nesting.Step(c);

        if (_capture == Capture.On)
        {
            if (!_nesting.InString && _nesting.Depth == ElementDepth && c is '}' or ']')
                _capture = Capture.Off;
            return;
        }
        if (_capture == Capture.Waiting)
            return;
        if (inString)
        {
            if (depth != ElementDepth) return;
            if (_nesting.InString) _string.Append(c);
            else StringEnded();
            return;
        }
        switch (c)
        {
            case '"' when depth == ElementDepth:
                _string.Clear();
                break;
            case '{' when _nesting.Depth == ElementDepth:
                _call = new Call(_calls++);
                _key = null;
                _afterColon = false;
                break;
            case '}' when depth == ElementDepth:
                FlushPiece();
                _call = null;
                break;
            case ':' when depth == ElementDepth:
                _afterColon = true;
                if (_key == "parameters") _capture = Capture.Waiting;
                break;
            case ',' when depth == ElementDepth:
                _key = null;
                _afterColon = false;
                break;
        }
    }

    private void StringEnded()
    {
        var value = Unescape(_string.ToString());
        if (!_afterColon)
        {
            _key = value;
        }
        else if (_key == "name" && _call is { Name: null } call)
        {
            call.Name = value;
            _steps.Add(new ToolCallDelta(call.Index, ToolCallDelta.NewId(), value, ""));
            call.Piece.Append(call.Waiting);
            call.Waiting.Clear();
        }
    }

    private void Arguments(char c)
    {
        if (_call is not { } call) return;
        (call.Name is null ? call.Waiting : call.Piece).Append(c);
    }

    private void FlushPiece()
    {
        if (_call is not { Piece.Length: > 0 } call) return;
        _steps.Add(new ToolCallDelta(call.Index, null, null, call.Piece.ToString()));
        call.Piece.Clear();
    }

    /// <summary>The value of a JSON string from its raw content between the quotes.</summary>
    private static string Unescape(string raw)
    {
        var reader = new System.Text.Json.Utf8JsonReader(Encoding.UTF8.GetBytes("\"" + raw + "\""));
        reader.Read();
        return reader.GetString() ?? "";
    }
}
