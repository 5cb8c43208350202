namespace Llava.Engine.Sampling;

/// <summary>
/// Chooses one token from a row of float32 logits. Runs on the CPU over plain arrays so that a sequence's
/// choice depends only on its own logits, parameters and random stream — never on the rest of the batch.
/// Order as in vLLM: penalties, temperature, top-k, top-p, min-p, then a draw.
/// </summary>
public sealed class Sampler
{
    private readonly SamplingParams _params;
    private readonly Random _random;
    private readonly Dictionary<int, int> _outputCounts = [];
    private readonly HashSet<int> _promptAndOutput;
    private float[] _work = [];
    private int[] _order = [];
    private float[] _sortKeys = [];

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

    public int Sample(ReadOnlySpan<float> logits)
    {
        EnsureCapacity(logits.Length);
        var work = _work.AsSpan(0, logits.Length);
        logits.CopyTo(work);
        ApplyPenalties(work);

        if (_params.IsGreedy)
            return ArgMax(work);

        var temperature = (float)_params.Temperature;
        for (var i = 0; i < work.Length; i++) work[i] /= temperature;

        // The candidates are order[0..count); each filter only shortens that prefix, so it is sorted by
        // descending logit whenever a filter needs ranks.
        var order = _order.AsSpan(0, work.Length);
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var count = work.Length;
        if (_params.TopK > 0 && _params.TopK < count)
        {
            PartialSortDescending(work, order, _params.TopK);
            count = _params.TopK;
        }
        else if (_params.TopP < 1.0 || _params.MinP > 0)
        {
            SortDescending(work, order);
        }

        var max = work[ArgMax(work)];
        if (_params.TopP < 1.0)
        {
            double total = 0;
            for (var i = 0; i < count; i++) total += Math.Exp(work[order[i]] - max);
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
            if (running > target) return order[i];
        }
        return order[count - 1];
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

    private void SortDescending(Span<float> values, Span<int> order)
    {
        if (_sortKeys.Length < values.Length) _sortKeys = new float[values.Length];
        var keys = _sortKeys.AsSpan(0, values.Length);
        for (var i = 0; i < keys.Length; i++) keys[i] = -values[i];
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
