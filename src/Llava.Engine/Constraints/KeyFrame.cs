using System.Collections.Immutable;
using System.Text;

namespace Llava.Engine.Constraints;

/// <summary>
/// Reading an object key after its opening quote: a declared key not yet written (byte for byte as it is encoded
/// in JSON), or, where <c>additionalProperties</c> allows, another key of up to <see cref="MaxAdditionalKeyBytes"/>
/// plain UTF-8 bytes (no escapes).
/// </summary>
internal sealed record KeyFrame(ObjectNode Node, ImmutableHashSet<string> Seen, string Typed, Utf8Progress Utf8, string? Name, GrammarNode? Value)
    : Frame
{
    public const int MaxAdditionalKeyBytes = 64;

    public override bool CanEnd => Name is not null;

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        if (Name is not null)
            return;
        // A quote closes the key unless a declared key's escape sequence (\") is being written.
        if (b == '"' && Utf8.AtBoundary && (Typed.Length - Typed.TrimEnd('\\').Length) % 2 == 0)
        {
            if (DeclaredMatching(exact: true).FirstOrDefault() is { } property)
                Emit(output, rest, this with { Name = property.Name, Value = property.Value });
            else if (Node.Additional is { } additional && AdditionalName() is { } name)
                Emit(output, rest, this with { Name = name, Value = additional });
            return;
        }
        if (Utf8.Next(b) is not { } utf8)
            return;
        var next = this with { Typed = Typed + (char)b, Utf8 = utf8 };
        if (next.DeclaredMatching(exact: false).Any() || (Node.Additional is not null && b != '\\' && next.FitsAdditionalKey()))
            Emit(output, rest, next);
    }

    /// <summary>
    /// Whether an additional key can still be finished from here: the character begun must fit in the byte limit, and
    /// a key that has reached it must be closable (not a key already written) — otherwise the walk would reach a state
    /// that allows no byte at all.
    /// </summary>
    private bool FitsAdditionalKey() =>
        Typed.Length + Utf8.Remaining <= MaxAdditionalKeyBytes && (Typed.Length < MaxAdditionalKeyBytes || AdditionalName() is not null);

    /// <summary>Unwritten declared keys whose encoding is <see cref="Typed"/> (exact) or starts with it.</summary>
    private IEnumerable<PropertyNode> DeclaredMatching(bool exact) => Node.Properties.Where(p =>
    {
        if (Seen.Contains(p.Name))
            return false;
        var content = p.EncodedName.AsSpan(1, p.EncodedName.Length - 2);
        if (exact ? content.Length != Typed.Length : content.Length < Typed.Length)
            return false;
        for (var i = 0; i < Typed.Length; i++)
        {
            if (content[i] != Typed[i])
                return false;
        }
        return true;
    });

    /// <summary>The typed bytes as an additional key, or null when they are not one (empty, declared, or already written).</summary>
    private string? AdditionalName()
    {
        if (Typed.Length == 0 || Typed.Contains('\\'))
            return null;
        var name = Encoding.UTF8.GetString([.. Typed.Select(c => (byte)c)]);
        return Seen.Contains(name) || Node.Properties.Any(p => p.Name == name) ? null : name;
    }
}
