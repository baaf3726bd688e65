using System.CommandLine;
using ActorNas.Cli.Commands;

var root = new RootCommand("ActorNas: event-sourced Regularized Evolution neural architecture search on Akka.NET actors")
{
    RunCommand.Create(),
    SimulateCommand.Create(),
    ResumeCommand.Create(),
    StatusCommand.Create(),
    ListCommand.Create(),
    ExportCommand.Create(),
    AnalyzeCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
