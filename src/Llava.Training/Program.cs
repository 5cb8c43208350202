using Llava.Training.Cli;

ThreadWaitPolicy.PreferPassive();
return CommandLine.Run(args, Console.Out, Console.Error);
