namespace Llava.Engine.Templating;

/// <summary>1-based line and column of a token or node in the template source.</summary>
internal readonly record struct SourcePosition(int Line, int Column);
