using Llava.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Engine.Scheduling;

/// <summary>
/// One step's rows grouped by what the host needs of them: whole, their argmax, their top-k candidates (by
/// <see cref="RowNeed"/>), and, for rows choosing on the device whose request wants logprobs, the row's log-sum-exp
/// and best logits. Each group's row indices are written into the step's one index upload, then read as views of it.
/// </summary>
internal sealed class RowSelection(int chunks)
{
    private readonly List<int>[] _groups = [[], [], [], []];
    private readonly int[] _offsets = new int[4];

    /// <summary>Per chunk, the kind of result, its index among the results of that kind, and its logprob row.</summary>
    public StepRow[] Result { get; } = new StepRow[chunks];

    public List<int> Whole => _groups[0];
    public List<int> ArgMax => _groups[1];
    public List<int> TopK => _groups[2];

    /// <summary>Rows chosen on the device whose logprobs the device computes too.</summary>
    public List<int> Logprobs => _groups[3];

    /// <summary>Candidates per top-k row: the widest top-k row's k + 1.</summary>
    public int Width { get; private set; }

    /// <summary>Best logits per logprob row: the most top logprobs any row asked for, plus one.</summary>
    public int LogprobWidth { get; private set; }

    /// <summary>The groups' row indices on the device, in the order <see cref="WriteIndices"/> wrote them.</summary>
    public Tensor? Uploaded { get; set; }

    /// <summary>How many indices <see cref="WriteIndices"/> writes.</summary>
    public int IndexCount => _groups.Sum(g => g.Count);

    public void Add(int chunk, RowNeed need, SamplingParams parameters)
    {
        var (rows, kind) = need switch
        {
            RowNeed.ArgMax => (ArgMax, StepRowKind.Token),
            RowNeed.TopK => (TopK, StepRowKind.Candidates),
            _ => (Whole, StepRowKind.Logits),
        };
        var logprobs = need != RowNeed.WholeRow && parameters.TopLogprobs is { } top ? Logprobs.Count : -1;
        Result[chunk] = new StepRow(kind, rows.Count, logprobs);
        rows.Add(chunk);
        if (need == RowNeed.TopK) Width = Math.Max(Width, parameters.TopK + 1);
        if (logprobs < 0) return;
        Logprobs.Add(chunk);
        LogprobWidth = Math.Max(LogprobWidth, parameters.TopLogprobs!.Value + 1);
    }

    /// <summary>Each group's chunk indices, one group after another.</summary>
    public void WriteIndices(Span<long> destination)
    {
        var at = 0;
        for (var g = 0; g < _groups.Length; g++)
        {
            _offsets[g] = at;
            foreach (var chunk in _groups[g]) destination[at++] = chunk;
        }
    }

    /// <summary>
    /// The logits rows of one of this selection's groups as <see cref="WriteIndices"/> listed it: all of
    /// <paramref name="logits"/> as it is when the group is every chunk (in order, as groups are filled).
    /// </summary>
    public Tensor RowsOf(Tensor logits, List<int> group)
    {
        if (group.Count == Result.Length) return logits;
        return logits.index_select(0, Uploaded!.narrow(0, _offsets[Array.IndexOf(_groups, group)], group.Count));
    }
}
