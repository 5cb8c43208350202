namespace Llava.Training.Cli;

/// <summary>Dispatches <c>Llava.Training &lt;command&gt; [options]</c>.</summary>
public static class CommandLine
{
    private static readonly (string Name, string Usage, Func<CommandArguments, TextWriter, int> Run)[] Commands =
    [
        ("make-data", MakeDataCommand.Usage, MakeDataCommand.Run),
        ("init", InitCommand.Usage, InitCommand.Run),
        ("train", TrainCommand.Usage, TrainCommand.Run),
        ("eval", EvalCommand.Usage, EvalCommand.Run),
        ("gen-instruct", GenInstructCommand.Usage, GenInstructCommand.Run),
        ("demo", DemoCommand.Usage, DemoCommand.Run),
    ];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            output.WriteLine(Help());
            return args.Length == 0 ? 2 : 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command.Name is null)
        {
            error.WriteLine($"error: unknown command '{args[0]}'");
            error.WriteLine(Help());
            return 2;
        }
        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            output.WriteLine(command.Usage);
            return 0;
        }
        try
        {
            return command.Run(new CommandArguments(args.Skip(1)), output);
        }
        catch (UsageException e)
        {
            error.WriteLine("error: " + e.Message);
            error.WriteLine(command.Usage);
            return 2;
        }
    }

    private static string Help() =>
        "usage: Llava.Training <command> [options]   (<command> --help for its options)\n\n" +
        string.Join("\n", Commands.Select(c => c.Usage));
}
