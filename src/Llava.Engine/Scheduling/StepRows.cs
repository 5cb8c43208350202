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

/// <summary>One chunk's result: its kind and its index among the step's results of that kind.</summary>
internal readonly record struct StepRow(StepRowKind Kind, int Index);

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

    private static Span<T> Grow<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new T[size];
        return buffer.AsSpan(0, size);
    }
}
