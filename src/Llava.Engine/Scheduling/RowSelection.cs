using Llava.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Engine.Scheduling;

/// <summary>
/// One step's rows grouped by what their choice of token needs (<see cref="RowNeed"/>), and the row indices of each
/// group: written into the step's one index upload, then read as views of it.
/// </summary>
internal sealed class RowSelection(int chunks)
{
    /// <summary>Per chunk, the kind of result and its index among the results of that kind.</summary>
    public StepRow[] Result { get; } = new StepRow[chunks];

    public List<int> Whole { get; } = [];
    public List<int> ArgMax { get; } = [];
    public List<int> TopK { get; } = [];

    /// <summary>Candidates per top-k row: the widest top-k row's k + 1.</summary>
    public int Width { get; private set; }

    /// <summary>The groups' row indices on the device, in the order <see cref="WriteIndices"/> wrote them.</summary>
    public Tensor? Uploaded { get; set; }

    /// <summary>How many indices <see cref="WriteIndices"/> writes.</summary>
    public int IndexCount => Whole.Count + ArgMax.Count + TopK.Count;

    private readonly int[] _offsets = new int[3];

    public void Add(int chunk, RowNeed need, int topK)
    {
        var rows = Group(need);
        var kind = need switch { RowNeed.ArgMax => StepRowKind.Token, RowNeed.TopK => StepRowKind.Candidates, _ => StepRowKind.Logits };
        Result[chunk] = new StepRow(kind, rows.Count);
        rows.Add(chunk);
        if (need == RowNeed.TopK) Width = Math.Max(Width, topK + 1);
    }

    /// <summary>The whole rows', then the greedy rows', then the top-k rows' chunk indices.</summary>
    public void WriteIndices(Span<long> destination)
    {
        var at = 0;
        foreach (var need in (ReadOnlySpan<RowNeed>)[RowNeed.WholeRow, RowNeed.ArgMax, RowNeed.TopK])
        {
            _offsets[(int)need] = at;
            foreach (var chunk in Group(need)) destination[at++] = chunk;
        }
    }

    /// <summary>
    /// The logits rows of one group as <see cref="WriteIndices"/> listed it: all of <paramref name="logits"/> as it is
    /// when the group is every chunk (in order, as groups are filled).
    /// </summary>
    public Tensor RowsOf(Tensor logits, RowNeed need)
    {
        var rows = Group(need);
        if (rows.Count == Result.Length) return logits;
        return logits.index_select(0, Uploaded!.narrow(0, _offsets[(int)need], rows.Count));
    }

    private List<int> Group(RowNeed need) => need switch { RowNeed.ArgMax => ArgMax, RowNeed.TopK => TopK, _ => Whole };
}
