using System.Collections.Immutable;

namespace Llava.Engine.Constraints;

/// <summary>
/// Reading an object: keys in any order, each at most once, declared ones with their own schema and others only
/// where <c>additionalProperties</c> allows; <c>}</c> only once every required key has been written.
/// </summary>
internal sealed record ObjectFrame(ObjectNode Node, ObjectFrame.Phase At, ImmutableHashSet<string> Seen) : Frame
{
    public enum Phase { Open, ExpectKey, InKey, AfterKey, AfterColon, InValue, AfterValue, Closed }

    /// <summary>The key being written (after its closing quote) and the grammar of its value.</summary>
    private string? PendingName { get; init; }
    private GrammarNode? PendingValue { get; init; }

    public override bool CanEnd => At == Phase.Closed;

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        switch (At)
        {
            case Phase.Open or Phase.ExpectKey when b == '"' && CanAddKey:
                output.Add(new ParseStack(new KeyFrame(Node, Seen, "", default, null, null), new ParseStack(this with { At = Phase.InKey }, rest)));
                break;
            case Phase.Open or Phase.AfterValue when b == '}' && Node.Required.IsSubsetOf(Seen):
                Emit(output, rest, this with { At = Phase.Closed });
                break;
            case Phase.AfterKey when b == ':':
                EmitThenSpace(output, rest, this with { At = Phase.AfterColon });
                break;
            case Phase.AfterColon:
                StartValue(PendingValue!, new ParseStack(this with { At = Phase.InValue }, rest), b, output);
                break;
            case Phase.AfterValue when b == ',' && CanAddKey:
                EmitThenSpace(output, rest, this with { At = Phase.ExpectKey });
                break;
        }
    }

    public override ParseStack AfterChild(Frame child, ParseStack? rest) => child switch
    {
        WhitespaceFrame => new ParseStack(this, rest),
        KeyFrame key => new ParseStack(this with { At = Phase.AfterKey, PendingName = key.Name, PendingValue = key.Value }, rest),
        _ => new ParseStack(WhitespaceFrame.Empty,
            new ParseStack(this with { At = Phase.AfterValue, Seen = Seen.Add(PendingName!), PendingName = null, PendingValue = null }, rest)),
    };

    private bool CanAddKey => Node.Additional is not null || Node.Properties.Any(p => !Seen.Contains(p.Name));
}
