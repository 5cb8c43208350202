namespace Llava.Engine.Constraints;

/// <summary>
/// One way of having read the output so far: an immutable stack of frames, the innermost value on top. Advancing
/// by a byte yields zero (the byte is illegal here), one or several (an <c>anyOf</c> not yet decided) new stacks.
/// </summary>
internal sealed record ParseStack(Frame Top, ParseStack? Rest)
{
    /// <summary>Every stack <paramref name="stack"/> can become by reading <paramref name="b"/>.</summary>
    public static void Advance(ParseStack stack, byte b, ICollection<ParseStack> output)
    {
        stack.Top.Advance(stack.Rest, b, output);
        // A value that may end here can also end now and let its parent read the byte.
        if (stack.Top.CanEnd && stack.Rest is { } rest)
            Advance(rest.Top.AfterChild(stack.Top, rest.Rest), b, output);
    }

    /// <summary>Whether everything read so far is one complete root value.</summary>
    public static bool IsComplete(ParseStack stack) =>
        stack.Top.CanEnd && (stack.Rest is not { } rest || IsComplete(rest.Top.AfterChild(stack.Top, rest.Rest)));
}

/// <summary>The state of reading one value (or the whitespace between values).</summary>
internal abstract record Frame
{
    /// <summary>Reads <paramref name="b"/> with this frame on top of <paramref name="rest"/>.</summary>
    public abstract void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output);

    /// <summary>Whether the value this frame reads may end here.</summary>
    public abstract bool CanEnd { get; }

    /// <summary>The stack once <paramref name="child"/>, pushed by this frame, has ended.</summary>
    public virtual ParseStack AfterChild(Frame child, ParseStack? rest) =>
        throw new InvalidOperationException($"{GetType().Name} has no child {child.GetType().Name}.");

    protected static void Emit(ICollection<ParseStack> output, ParseStack? rest, Frame frame) => output.Add(new ParseStack(frame, rest));

    /// <summary>Puts <paramref name="frame"/> in place with optional whitespace after it.</summary>
    protected static void EmitThenSpace(ICollection<ParseStack> output, ParseStack? rest, Frame frame) =>
        output.Add(new ParseStack(WhitespaceFrame.Empty, new ParseStack(frame, rest)));

    /// <summary>Reads <paramref name="b"/> as the first byte of a value of <paramref name="node"/>, <paramref name="parent"/> waiting for it.</summary>
    protected static void StartValue(GrammarNode node, ParseStack parent, byte b, ICollection<ParseStack> output)
    {
        switch (node)
        {
            case RefNode reference:
                StartValue(reference.Target, parent, b, output);
                break;
            case ChoiceNode choice:
                foreach (var alternative in choice.Alternatives)
                    StartValue(alternative, parent, b, output);
                break;
            case AnyValueNode:
                foreach (var alternative in AnyValueNode.Alternatives)
                    StartValue(alternative, parent, b, output);
                break;
            case ObjectNode obj when b == '{':
                EmitThenSpace(output, parent, new ObjectFrame(obj, ObjectFrame.Phase.Open, []));
                break;
            case ArrayNode array when b == '[':
                EmitThenSpace(output, parent, new ArrayFrame(array, ArrayFrame.Phase.Open, 0));
                break;
            case StringNode str when b == '"':
                Emit(output, parent, StringFrame.Start(str));
                break;
            case NumberNode number when NumberFrame.Start(number, b) is { } frame:
                Emit(output, parent, frame);
                break;
            case LiteralNode literal when LiteralFrame.Start(literal, b) is { } frame:
                Emit(output, parent, frame);
                break;
        }
    }
}

/// <summary>
/// Whitespace between JSON tokens, bounded so that no sampled stream can run away in it: nothing, one space, or
/// one newline followed by up to <see cref="MaxIndent"/> spaces (pretty-printed JSON).
/// </summary>
internal sealed record WhitespaceFrame(int Spaces, bool Newline) : Frame
{
    public const int MaxIndent = 16;
    public static readonly WhitespaceFrame Empty = new(0, false);

    public override bool CanEnd => true;

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        if (b == ' ' && (Newline ? Spaces < MaxIndent : Spaces == 0))
            Emit(output, rest, this with { Spaces = Spaces + 1 });
        else if (b == '\n' && !Newline && Spaces == 0)
            Emit(output, rest, this with { Newline = true });
    }
}

/// <summary>The document: one value of the root grammar, then nothing (only end-of-sequence may follow).</summary>
internal sealed record RootFrame(GrammarNode Node, bool Started, bool Done) : Frame
{
    public override bool CanEnd => Done;

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        if (!Started)
            StartValue(Node, new ParseStack(this with { Started = true }, rest), b, output);
    }

    public override ParseStack AfterChild(Frame child, ParseStack? rest) => new(this with { Done = true }, rest);
}
