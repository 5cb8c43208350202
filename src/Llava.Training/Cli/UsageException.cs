namespace Llava.Training.Cli;

/// <summary>A command line that cannot run; the message is shown with the command's usage.</summary>
public sealed class UsageException(string message) : Exception(message);
