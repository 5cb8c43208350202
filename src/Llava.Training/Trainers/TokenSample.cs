using Llava.Training.Text;

namespace Llava.Training.Trainers;

/// <summary>One encoded training sample and its image (relative to the image folder), if any.</summary>
public sealed record TokenSample(string Id, EncodedConversation Encoded, string? Image);
