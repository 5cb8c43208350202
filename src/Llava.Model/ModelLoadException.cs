namespace Llava.Model;

/// <summary>
/// A model directory cannot be loaded: a file is missing or malformed, the architecture is unsupported, or the
/// weights do not match the configuration. The message names the file or tensor at fault.
/// </summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message) : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
