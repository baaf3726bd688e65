using System.CommandLine;
using ActorNas.Cli.Commands;
using ActorNas.Cli.Running;

var root = new RootCommand("ActorNas: event-sourced Regularized Evolution neural architecture search on Akka.NET actors")
{
    RunCommand.Create(),
    SimulateCommand.Create(),
    ResumeCommand.Create(),
    StatusCommand.Create(),
    ListCommand.Create(),
    ExportCommand.Create(),
    AnalyzeCommand.Create(),
    RepairCommand.Create(),
    BackupCommand.Create(),
    SeedCommand.Create(),
    WorkerCommand.Create(),
    ServeCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // an unknown option or a value of the wrong type is bad input (exit 2), like every other input error
    foreach (var error in parse.Errors) await Console.Error.WriteLineAsync($"error: {ParseErrorText.Describe(error)}");
    await Console.Error.WriteLineAsync("run `actornas --help` or `actornas <command> --help` for the options");
    return ExitCodes.BadInput;
}
return await parse.InvokeAsync();
