namespace LlavaBench.Measurement;

/// <summary>The model alone, without server, scheduler or sampling. Times are medians in milliseconds.</summary>
/// <param name="ContextTokens">Tokens already cached when a decode step runs (prompt plus half the completion).</param>
/// <param name="ImageEncodeMs">Vision tower and projector for one image.</param>
/// <param name="PrefillMs">One prompt of <paramref name="PromptTokens"/> tokens through the decoder.</param>
/// <param name="Decode">One decode step (one new token per sequence) at each batch size.</param>
public sealed record BareForwardTimes(
    int PromptTokens,
    int ContextTokens,
    double ImageEncodeMs,
    double PrefillMs,
    IReadOnlyList<BatchDecodeTime> Decode);

/// <param name="TokensPerSecond">The ceiling this step time puts on aggregate decode throughput.</param>
/// <param name="MatmulMs">The same step's matrix multiplications alone (<see cref="DecodeMatmuls"/>), timed alternately with it.</param>
/// <param name="AttentionMs">The same step's attention over the cache alone (<see cref="DecodeAttentionAlone"/>), likewise;
/// null where the model's decode attention does not run in the managed kernel.</param>
public sealed record BatchDecodeTime(int Batch, double StepMs, double TokensPerSecond, double? MatmulMs = null, double? AttentionMs = null)
{
    /// <summary>How much the step costs beyond its matmuls: 1 would be a step that is all matrix multiplication.</summary>
    public double? StepOverMatmuls => MatmulMs is > 0 ? StepMs / MatmulMs : null;
}
