using Llava.Model.Tensors;
using LlavaBench;
using LlavaServer.Cli;

LibtorchEnvironment.PreferHugePages();
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    var options = BenchOptions.Parse(args);
    return await new BenchCommand(options, Console.Out).RunAsync(stop.Token);
}
catch (CliException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("(--help lists the options)");
    return 2;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
