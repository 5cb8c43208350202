using Llava.Model.Tensors;
using Llava.Training.Cli;

ThreadWaitPolicy.PreferPassive();
LibtorchEnvironment.PreferHugePages();
return CommandLine.Run(args, Console.Out, Console.Error);
