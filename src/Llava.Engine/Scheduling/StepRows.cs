using Llava.Engine.Sampling;

namespace Llava.Engine.Scheduling;

/// <summary>What the last <see cref="ModelRunner.Run"/> brought back to the host for one chunk.</summary>
internal enum StepRowKind
{
    /// <summary>The chunk produced no token (a prefill chunk that does not finish its prompt).</summary>
    None,

    /// <summary>The whole logits row: <see cref="StepRows.Logits"/>.</summary>
    Logits,

    /// <summary>The greedy token, chosen on the device: <see cref="StepRows.Token"/>.</summary>
    Token,

    /// <summary>The top-k candidates, chosen on the device: <see cref="StepRows.CandidateValues"/> and ids.</summary>
    Candidates,
}

/// <summary>
/// One chunk's result: its kind and its index among the step's results of that kind, and its index among the rows
/// whose logprobs the device computed (<see cref="StepRows.Logprobs"/>), or -1.
/// </summary>
internal readonly record struct StepRow(StepRowKind Kind, int Index, int Logprobs = -1);

/// <summary>
/// The host buffers a step's results are copied into, reused across steps: per-row arrays of 32k floats would be
/// large-object-heap garbage every step. Valid until the next <see cref="ModelRunner.Run"/>.
/// </summary>
internal sealed class StepRows(int vocabularySize)
{
    private float[] _logits = [];
    private long[] _tokens = [];
    private float[] _values = [];
    private long[] _ids = [];
    private int _width;
    private double[] _logSumExps = [];
    private float[] _topValues = [];
    private long[] _topIds = [];
    private int _topWidth;

    public ReadOnlySpan<float> Logits(int index) => _logits.AsSpan(index * vocabularySize, vocabularySize);

    public int Token(int index) => (int)_tokens[index];

    /// <summary>A top-k row's best raw logits in descending order (as many as the step's widest top-k row needed).</summary>
    public ReadOnlySpan<float> CandidateValues(int index) => _values.AsSpan(index * _width, _width);

    /// <summary>The token ids of <see cref="CandidateValues"/>.</summary>
    public ReadOnlySpan<long> CandidateIds(int index) => _ids.AsSpan(index * _width, _width);

    /// <summary>Room for <paramref name="rows"/> whole rows, to copy into.</summary>
    public Span<float> LogitsSpace(int rows) => Grow(ref _logits, rows * vocabularySize);

    public Span<long> TokenSpace(int rows) => Grow(ref _tokens, rows);

    /// <summary>Room for <paramref name="rows"/> top-k rows of <paramref name="width"/> candidate values.</summary>
    public Span<float> CandidateValueSpace(int rows, int width)
    {
        _width = width;
        return Grow(ref _values, rows * width);
    }

    /// <summary>Room for the ids of <see cref="CandidateValueSpace"/>'s candidates.</summary>
    public Span<long> CandidateIdSpace(int rows, int width) => Grow(ref _ids, rows * width);

    public Span<double> LogSumExpSpace(int rows) => Grow(ref _logSumExps, rows);

    /// <summary>Room for <paramref name="rows"/> logprob rows' <paramref name="width"/> best logits.</summary>
    public Span<float> TopValueSpace(int rows, int width)
    {
        _topWidth = width;
        return Grow(ref _topValues, rows * width);
    }

    public Span<long> TopIdSpace(int rows, int width) => Grow(ref _topIds, rows * width);

    /// <summary>A logprob row's best raw logits, descending.</summary>
    public ReadOnlySpan<float> TopValues(int index) => _topValues.AsSpan(index * _topWidth, _topWidth);

    /// <summary>
    /// The logprobs of a row the device chose from (<see cref="StepRow.Logprobs"/> set), as
    /// <see cref="LogprobCalculator.Compute"/> gives them from the whole row. The chosen token's raw logit is the
    /// row's best for a greedy row and among its candidates for a top-k row.
    /// </summary>
    public StepLogprobs Logprobs(StepRow row, int token, int topCount)
    {
        var top = row.Logprobs;
        var chosenLogit = row.Kind == StepRowKind.Token
            ? _topValues[top * _topWidth]
            : CandidateValues(row.Index)[CandidateIds(row.Index).IndexOf(token)];
        return LogprobCalculator.FromTop(_logSumExps[top], TopValues(top), _topIds.AsSpan(top * _topWidth, _topWidth), topCount,
            token, chosenLogit);
    }

    private static Span<T> Grow<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new T[size];
        return buffer.AsSpan(0, size);
    }
}
