namespace Llava.Engine.Templating.Syntax;

internal enum TokenKind
{
    Data,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    EndOfFile,
}

/// <summary>
/// One lexical unit. <see cref="Text"/> holds the operator or name spelling, the decoded string literal or the raw
/// template data; <see cref="Literal"/> holds the parsed number for numeric tokens.
/// </summary>
internal sealed record Token(TokenKind Kind, string Text, SourcePosition Position, object? Literal = null)
{
    public bool IsName(string name) => Kind == TokenKind.Name && Text == name;

    public bool IsOperator(string op) => Kind == TokenKind.Operator && Text == op;

    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of template",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.BlockBegin => "begin of statement block",
        TokenKind.VariableBegin => "begin of print statement",
        TokenKind.Data => "template data",
        TokenKind.String => "string literal",
        _ => Text,
    };
}
