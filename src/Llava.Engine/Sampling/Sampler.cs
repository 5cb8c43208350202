namespace Llava.Engine.Sampling;

/// <summary>
/// Chooses one token from a row of float32 logits. Runs on the CPU over plain arrays so that a sequence's
/// choice depends only on its own logits, parameters and random stream — never on the rest of the batch.
/// Order as in vLLM: logit bias, the grammar's allowed-token mask, penalties, temperature, top-k, top-p, min-p,
/// then a draw (or the greedy choice after the penalties).
/// </summary>
public sealed class Sampler
{
    private readonly SamplingParams _params;
    private readonly Random _random;
    private readonly Dictionary<int, int> _outputCounts = [];
    private readonly HashSet<int> _promptAndOutput;
    private float[] _work = [];
    private int[] _order = [];
    private ulong[] _sortKeys = [];

    /// <summary>
    /// Tokens this far (in logits, after temperature) below the best have under e^-16 ≈ 1e-7 of its probability
    /// each; top-p and min-p cuts practically always fall above that line, so only those tokens need ranking.
    /// </summary>
    private const float NucleusLogitGap = 16f;

    public Sampler(SamplingParams parameters, IEnumerable<int> promptTokens)
    {
        _params = parameters;
        _random = new Random(parameters.Seed is { } seed ? unchecked((int)(seed ^ (seed >> 32))) : Random.Shared.Next());
        _promptAndOutput = new HashSet<int>(promptTokens);
    }

    /// <summary>Records a generated token for the penalties.</summary>
    public void Accept(int token)
    {
        _outputCounts[token] = _outputCounts.GetValueOrDefault(token) + 1;
        _promptAndOutput.Add(token);
    }

    /// <param name="logits">The model's raw logits; they are not modified (logprobs are computed from them).</param>
    /// <param name="allowed">
    /// Empty: every token may come. Otherwise one flag per logit: tokens without it get -∞ before anything but the
    /// bias, so greedy and every filter only ever see allowed tokens. At least one must be allowed.
    /// </param>
    public int Sample(ReadOnlySpan<float> logits, ReadOnlySpan<bool> allowed = default)
    {
        EnsureCapacity(logits.Length);
        var work = _work.AsSpan(0, logits.Length);
        logits.CopyTo(work);
        ApplyBias(work);
        if (!allowed.IsEmpty)
        {
            for (var i = 0; i < work.Length; i++)
                if (!allowed[i]) work[i] = float.NegativeInfinity;
        }
        ApplyPenalties(work);

        if (_params.IsGreedy)
            return ArgMax(work);

        var temperature = (float)_params.Temperature;
        for (var i = 0; i < work.Length; i++) work[i] /= temperature;

        // The candidates are order[0..count); each filter only shortens that prefix, so it is sorted by
        // descending logit whenever a filter needs ranks. Top-p's probabilities are over the tokens top-k left
        // (all of them without top-k), even where only a ranked prefix of those is listed.
        var order = _order.AsSpan(0, work.Length);
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var count = work.Length;
        var max = work[ArgMax(work)];
        double total = 0;
        if (_params.TopK > 0 && _params.TopK < count)
        {
            PartialSortDescending(work, order, _params.TopK);
            count = _params.TopK;
            if (_params.TopP < 1.0)
                for (var i = 0; i < count; i++) total += Math.Exp(work[order[i]] - max);
        }
        else if (_params.TopP < 1.0 || _params.MinP > 0)
        {
            if (_params.TopP < 1.0)
                foreach (var logit in work) total += Math.Exp(logit - max);
            count = RankNucleus(work, order, max, total);
        }

        return order[Cut(work, order, count, max, total)];
    }

    /// <summary>
    /// Whether the k + 1 best raw logits of a top-k row (<paramref name="values"/>, descending) settle which tokens
    /// top-k keeps: not when the k-th and (k+1)-th are equal after temperature, since which of the tied tokens
    /// <see cref="Sample"/> keeps then depends on ids beyond those returned; such a row needs its whole logits.
    /// </summary>
    public static bool TopKDecided(ReadOnlySpan<float> values, SamplingParams parameters)
    {
        var k = parameters.TopK;
        var temperature = (float)parameters.Temperature;
        return values[k - 1] / temperature > values[k] / temperature;
    }

    /// <summary>
    /// Samples a row whose k = <see cref="SamplingParams.TopK"/> best logits the device already picked, exactly as
    /// <see cref="Sample"/> would from the whole row (same token, same draw from the random stream). The row must need
    /// nothing but temperature, top-k, top-p and min-p (<see cref="RowNeed.TopK"/>), which all act within the top k.
    /// </summary>
    /// <param name="values">At least the k + 1 best raw logits, in descending order, <see cref="TopKDecided"/>.</param>
    /// <param name="ids">Their token ids.</param>
    public int SampleTopK(ReadOnlySpan<float> values, ReadOnlySpan<long> ids)
    {
        if (!TopKDecided(values, _params))
            throw new ArgumentException("the k-th and (k+1)-th candidates tie: top-k needs the whole row", nameof(values));
        var k = _params.TopK;
        var temperature = (float)_params.Temperature;
        EnsureCapacity(k);
        var work = _work.AsSpan(0, k);
        var order = _order.AsSpan(0, k);
        for (var i = 0; i < k; i++) work[i] = values[i] / temperature;
        // Equal values after temperature go lower id first, as in PartialSortDescending.
        CandidateOrder.Rank(work, ids, order);
        var max = work[order[0]];
        double total = 0;
        if (_params.TopP < 1.0)
            for (var i = 0; i < k; i++) total += Math.Exp(work[order[i]] - max);
        return (int)ids[order[Cut(work, order, k, max, total)]];
    }

    /// <summary>
    /// Applies top-p and min-p to the ranked candidates <c>order[0..count)</c> and draws one of those left.
    /// </summary>
    /// <param name="max">The largest value in <paramref name="work"/>.</param>
    /// <param name="total">With top-p, the mass (relative to <paramref name="max"/>) top-p's probabilities are over.</param>
    /// <returns>The drawn candidate's place in <paramref name="order"/>.</returns>
    private int Cut(ReadOnlySpan<float> work, ReadOnlySpan<int> order, int count, float max, double total)
    {
        if (_params.TopP < 1.0)
        {
            double cumulative = 0;
            for (var i = 0; i < count; i++)
            {
                cumulative += Math.Exp(work[order[i]] - max) / total;
                if (cumulative >= _params.TopP)
                {
                    count = i + 1;
                    break;
                }
            }
        }

        if (_params.MinP > 0)
        {
            // p_i >= min_p * p_max  <=>  l_i - l_max >= ln(min_p)
            var threshold = Math.Log(_params.MinP);
            var kept = 1;
            while (kept < count && work[order[kept]] - max >= threshold) kept++;
            count = kept;
        }

        double mass = 0;
        for (var i = 0; i < count; i++) mass += Math.Exp(work[order[i]] - max);
        var target = _random.NextDouble() * mass;
        double running = 0;
        for (var i = 0; i < count; i++)
        {
            running += Math.Exp(work[order[i]] - max);
            if (running > target) return i;
        }
        return count - 1;
    }

    private void ApplyBias(Span<float> work)
    {
        if (_params.LogitBias is not { } bias) return;
        foreach (var (token, value) in bias)
        {
            if ((uint)token < (uint)work.Length) work[token] += (float)value;
        }
    }

    private void ApplyPenalties(Span<float> work)
    {
        var repetition = (float)_params.RepetitionPenalty;
        if (repetition != 1f)
        {
            foreach (var token in _promptAndOutput)
            {
                if ((uint)token >= (uint)work.Length) continue;
                work[token] = work[token] > 0 ? work[token] / repetition : work[token] * repetition;
            }
        }

        if (_params.PresencePenalty != 0 || _params.FrequencyPenalty != 0)
        {
            foreach (var (token, count) in _outputCounts)
            {
                if ((uint)token >= (uint)work.Length) continue;
                work[token] -= (float)(_params.FrequencyPenalty * count + _params.PresencePenalty);
            }
        }
    }

    private void EnsureCapacity(int length)
    {
        if (_work.Length < length)
        {
            _work = new float[length];
            _order = new int[length];
        }
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }

    /// <summary>
    /// Leaves <paramref name="order"/> beginning with the tokens in descending logit order (ties: lower id first),
    /// ranked as far as the top-p and min-p cuts can reach: first only the tokens within
    /// <see cref="NucleusLogitGap"/> of the best, and the whole vocabulary only when those cannot hold the cut
    /// (a nearly flat distribution, top_p very close to 1, a tiny min_p). The prefix is the same either way.
    /// </summary>
    /// <returns>How many tokens lead <paramref name="order"/> ranked; the rest are below every possible cut.</returns>
    private int RankNucleus(Span<float> values, Span<int> order, float max, double totalMass)
    {
        var floor = max - NucleusLogitGap;
        var near = 0;
        double nearMass = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < floor) continue;
            nearMass += Math.Exp(values[i] - max);
            order[near++] = i;
        }

        var topPFits = _params.TopP >= 1.0 || nearMass >= _params.TopP * totalMass;
        var minPFits = _params.MinP <= 0 || Math.Log(_params.MinP) >= -NucleusLogitGap;
        if (topPFits && minPFits)
        {
            SortDescending(values, order[..near]);
            return near;
        }
        for (var i = 0; i < order.Length; i++) order[i] = i;
        SortDescending(values, order);
        return order.Length;
    }

    /// <summary>Sorts the token ids in <paramref name="order"/> by descending logit, ties by ascending id.</summary>
    private void SortDescending(ReadOnlySpan<float> values, Span<int> order)
    {
        if (_sortKeys.Length < order.Length) _sortKeys = new ulong[Math.Max(order.Length, values.Length)];
        var keys = _sortKeys.AsSpan(0, order.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            // Float bits made monotonic as signed ints, then flipped so larger logits come first.
            var bits = BitConverter.SingleToInt32Bits(values[order[i]]);
            var ordered = bits >= 0 ? bits : bits ^ int.MaxValue;
            keys[i] = ((ulong)(uint)(int.MaxValue - ordered) << 32) | (uint)order[i];
        }
        keys.Sort(order);
    }

    /// <summary>Moves the k largest (ties: lower id first) to the front of <paramref name="order"/>, sorted.</summary>
    private static void PartialSortDescending(Span<float> values, Span<int> order, int k)
    {
        var heap = new PriorityQueue<int, (float, int)>(k + 1);
        for (var i = 0; i < values.Length; i++)
        {
            heap.Enqueue(i, (values[i], -i));
            if (heap.Count > k) heap.Dequeue();
        }
        for (var i = k - 1; i >= 0; i--) order[i] = heap.Dequeue();
    }
}
