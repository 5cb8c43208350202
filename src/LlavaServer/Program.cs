using Llava.Engine.Prompting;
using Llava.Engine.Templating;
using Llava.Model;
using LlavaServer.Cli;
using Llava.Model.Tensors;
using LlavaServer.Hosting;

LibtorchEnvironment.PreferHugePages();
try
{
    if (args is ["generate", .. var generateArgs])
    {
        if (CommandLine.WantsHelp(generateArgs))
        {
            Console.WriteLine(GenerateCommand.Usage);
            return 0;
        }
        return await GenerateCommand.RunAsync(new ArgumentReader(generateArgs), Console.Out);
    }
    if (args is ["healthcheck", .. var healthArgs])
    {
        if (CommandLine.WantsHelp(healthArgs))
        {
            Console.WriteLine(HealthCheckCommand.Usage);
            return 0;
        }
        return await HealthCheckCommand.RunAsync(new ArgumentReader(healthArgs), Console.Out);
    }
    if (CommandLine.WantsHelp(args))
    {
        Console.Write(CommandLine.Help());
        return 0;
    }

    await using var app = ServerApp.Build(args);
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (CliException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("(--help lists the options)");
    return 2;
}
catch (Exception e) when (e is ModelLoadException or PromptException or FileNotFoundException or DirectoryNotFoundException
                              or InvalidDataException or ArgumentException or TemplateException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
