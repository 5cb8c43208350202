namespace Llava.Engine.Imaging;

/// <summary>The input is not an image this server accepts: empty, corrupt, truncated, unsupported or too large.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
