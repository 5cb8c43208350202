namespace Llava.Engine.Constraints;

/// <summary>Reading an array: <c>prefixItems</c> in order, then <c>items</c>, between <c>minItems</c> and <c>maxItems</c> of them.</summary>
internal sealed record ArrayFrame(ArrayNode Node, ArrayFrame.Phase At, int Count) : Frame
{
    public enum Phase { Open, ExpectItem, InItem, AfterItem, Closed }

    public override bool CanEnd => At == Phase.Closed;

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        if (At is Phase.Open or Phase.AfterItem && b == ']' && Count >= Node.MinItems)
        {
            Emit(output, rest, this with { At = Phase.Closed });
            return;
        }
        if (At == Phase.AfterItem && b == ',' && Count < (Node.MaxItems ?? int.MaxValue))
            EmitThenSpace(output, rest, this with { At = Phase.ExpectItem });
        else if (At is Phase.Open or Phase.ExpectItem && Count < (Node.MaxItems ?? int.MaxValue) && Node.ItemAt(Count) is { } item)
            StartValue(item, new ParseStack(this with { At = Phase.InItem }, rest), b, output);
    }

    public override ParseStack AfterChild(Frame child, ParseStack? rest) => child is WhitespaceFrame
        ? new ParseStack(this, rest)
        : new ParseStack(WhitespaceFrame.Empty, new ParseStack(this with { At = Phase.AfterItem, Count = Count + 1 }, rest));
}
