namespace Llava.Training.Shapes;

/// <summary>One drawn scene: its ground truth and the encoded image, with the file extension of its format.</summary>
public sealed record RenderedScene(Scene Scene, byte[] Image, string Extension);
