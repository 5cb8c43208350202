namespace Llava.Engine.Templating;

/// <summary>
/// Any failure to parse or render a chat template: a syntax error, an unsupported construct, a runtime type error,
/// or a message the template raised itself through <c>raise_exception(msg)</c>.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string reason, int? line = null, int? column = null, Exception? inner = null)
        : base(Format(reason, line, column), inner)
    {
        Reason = reason;
        Line = line;
        Column = column;
    }

    /// <summary>The message without position, e.g. exactly what the template passed to <c>raise_exception</c>.</summary>
    public string Reason { get; }

    /// <summary>1-based line of the construct that failed, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column of the construct that failed, when known.</summary>
    public int? Column { get; }

    /// <summary>True when the template itself called <c>raise_exception</c>.</summary>
    public bool RaisedByTemplate { get; init; }

    internal bool HasPosition => Line is not null;

    internal TemplateException At(SourcePosition position) =>
        HasPosition ? this : new TemplateException(Reason, position.Line, position.Column, this) { RaisedByTemplate = RaisedByTemplate };

    private static string Format(string reason, int? line, int? column) =>
        line is null ? reason : $"{reason} (line {line}, column {column})";
}
