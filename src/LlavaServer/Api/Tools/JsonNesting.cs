namespace LlavaServer.Api.Tools;

/// <summary>
/// Where a character stream of JSON stands: nesting depth and whether it is inside a string. Enough to find where
/// values open and close without parsing them.
/// </summary>
internal struct JsonNesting
{
    private bool _escaped;

    public int Depth { get; private set; }
    public bool InString { get; private set; }

    /// <summary>An object or array has opened and every one opened has closed.</summary>
    public bool Closed => _opened && Depth == 0 && !InString;

    private bool _opened;

    public void Step(char c)
    {
        if (InString)
        {
            if (_escaped) _escaped = false;
            else if (c == '\\') _escaped = true;
            else if (c == '"') InString = false;
            return;
        }
        switch (c)
        {
            case '"':
                InString = true;
                break;
            case '{' or '[':
                Depth++;
                _opened = true;
                break;
            case '}' or ']':
                Depth--;
                break;
        }
    }
}
