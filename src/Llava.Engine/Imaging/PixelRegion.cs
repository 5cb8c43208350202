namespace Llava.Engine.Imaging;

/// <summary>A rectangle of pixels: columns X .. X+Width-1, rows Y .. Y+Height-1.</summary>
internal readonly record struct PixelRegion(int X, int Y, int Width, int Height);
