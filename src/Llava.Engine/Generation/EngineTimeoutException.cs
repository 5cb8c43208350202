namespace Llava.Engine.Generation;

/// <summary>
/// The request waited in the queue longer than <see cref="EngineOptions.QueueTimeout"/> without being admitted. It
/// surfaces from the stream before any token, so the HTTP layer can still answer with a status (503 with
/// <c>Retry-After</c>, like a full queue).
/// </summary>
public sealed class EngineTimeoutException(string message) : TimeoutException(message);
