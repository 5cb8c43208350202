namespace LlavaBench.Measurement;

/// <summary>The same prompt as an HTTP body and as the parts the engine API takes.</summary>
public sealed record SingleStreamRequest(string HttpBody, byte[] Png, string Question, int MaxTokens);
