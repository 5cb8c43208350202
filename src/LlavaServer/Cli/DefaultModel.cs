namespace LlavaServer.Cli;

/// <summary>
/// The small model that ships with the server, so the first run needs no download: llava-shapes-tiny, trained by
/// src/Llava.Training on synthetic images of coloured shapes, so a first request gets a right answer.
/// </summary>
public static class DefaultModel
{
    public const string Name = "llava-shapes-tiny";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "models", Name);
}
