namespace Llava.Engine.Constraints;

/// <summary>A JSON Schema that constrained decoding cannot honour exactly: it names the keyword and where it stands.</summary>
public sealed class UnsupportedSchemaException(string keyword, string path, string reason)
    : Exception($"JSON Schema keyword '{keyword}' at {path}: {reason}")
{
    public string Keyword { get; } = keyword;
    public string SchemaPath { get; } = path;
}
