namespace Llava.Training.InstructGen;

/// <summary>The endpoint gave no usable completion, after any retries.</summary>
public sealed class ChatEndpointException(string message) : Exception(message);
