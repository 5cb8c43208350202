namespace Llava.Engine.Constraints;

/// <summary>Reading one of a <see cref="LiteralNode"/>'s exact texts; <see cref="Candidates"/> are those still matching.</summary>
internal sealed record LiteralFrame(LiteralNode Node, int Position, int[] Candidates) : Frame
{
    public static LiteralFrame? Start(LiteralNode node, byte b) =>
        new LiteralFrame(node, 0, [.. Enumerable.Range(0, node.Texts.Count)]).Next(b);

    public override bool CanEnd => Candidates.Any(c => Node.Texts[c].Length == Position);

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        if (Next(b) is { } next)
            Emit(output, rest, next);
    }

    private LiteralFrame? Next(byte b)
    {
        int[] matching = [.. Candidates.Where(c => Node.Texts[c].Length > Position && Node.Texts[c][Position] == b)];
        return matching.Length == 0 ? null : new LiteralFrame(Node, Position + 1, matching);
    }
}
