namespace Llava.Engine.Sampling;

/// <summary>A token's natural-log probability under the model's raw (unprocessed) distribution.</summary>
public readonly record struct TokenLogprob(int TokenId, float Logprob);

/// <summary>The chosen token's logprob plus the most likely alternatives, most likely first.</summary>
public sealed record StepLogprobs(TokenLogprob Chosen, IReadOnlyList<TokenLogprob> Top);
