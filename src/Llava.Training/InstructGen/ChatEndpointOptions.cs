namespace Llava.Training.InstructGen;

/// <summary>Where and how to call an OpenAI-compatible chat completions endpoint.</summary>
public sealed record ChatEndpointOptions
{
    /// <summary>The API base, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:8000/v1</c>.</summary>
    public required string BaseUrl { get; init; }

    public required string Model { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>Further attempts after a failed one (network error, timeout, 408/409/429/5xx, unreadable body).</summary>
    public int MaxRetries { get; init; } = 3;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Delay before the first retry; doubles with each further one unless the server sends Retry-After.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public double Temperature { get; init; } = 0.7;

    public int MaxTokens { get; init; } = 512;
}
