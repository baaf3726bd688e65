using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators.Command;
using ActorNas.Actors.Tabular;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;

namespace ActorNas.Actors.Evaluators;

/// <summary>The evaluators that ship with ActorNas, by name (<c>actornas.evaluator.name</c>).</summary>
public static class BuiltInEvaluators
{
    public const string Synthetic = "synthetic";
    public const string Tabular = "tabular";
    public const string Command = "command";

    public static readonly IReadOnlyList<string> Names = [Synthetic, Tabular, Command];

    /// <summary>
    /// A factory of one evaluator per slot. Anything expensive (the tabular evaluator's table) is loaded here, once per
    /// process, so a bad table fails before the search starts. Throws <see cref="SettingsException"/> for an unknown
    /// name and <see cref="TableFormatException"/> for an unusable table.
    /// </summary>
    public static Func<int, IEvaluator> Factory(EvaluatorSettings settings)
    {
        switch (settings.Name)
        {
            case Synthetic:
                return _ => new SyntheticEvaluator(settings.Synthetic);
            case Tabular:
                var table = Nb201TableLoader.LoadOrShipped(settings.TablePath);
                return _ => new TabularEvaluator(table, settings.Tabular);
            case Command:
                // the program, the folder and the tools are checked now; the GPUs are looked up once for every slot
                settings.Command.ValidateForUse(settings.AbandonAfter);
                var gpus = settings.Command.Gpus ?? GpuSlots.Detect();
                return slot => new CommandEvaluator(settings.Command, GpuSlots.VisibleDevices(gpus, slot));
            default:
                throw Unknown(settings.Name);
        }
    }

    /// <summary>An evaluator whose answers and durations are known without running anything, for a simulated clock.</summary>
    public static ISimulatedEvaluator Simulated(EvaluatorSettings settings, ISearchSpace space) => settings.Name switch
    {
        Synthetic => new SyntheticSimulator(settings.Synthetic, space),
        Tabular => new TabularSimulator(Nb201TableLoader.LoadOrShipped(settings.TablePath), settings.Tabular),
        _ => throw new SettingsException($"evaluator \"{settings.Name}\" cannot run on a simulated clock (its results and durations are " +
            $"not known without running it); simulate works with: {Synthetic}, {Tabular}"),
    };

    private static SettingsException Unknown(string name) =>
        new($"unknown evaluator \"{name}\"; built-in evaluators: {string.Join(", ", Names)}");
}
