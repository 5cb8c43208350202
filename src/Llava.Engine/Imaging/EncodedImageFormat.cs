namespace Llava.Engine.Imaging;

/// <summary>The container formats the server accepts; anything else is rejected before a native codec sees it.</summary>
internal enum EncodedImageFormat
{
    Png,
    Jpeg,
    Gif,
    Bmp,
    WebP,
}
