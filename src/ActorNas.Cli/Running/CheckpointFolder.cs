using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Runtime;

namespace ActorNas.Cli.Running;

/// <summary>
/// Where a new search run by the command evaluator keeps its candidates' checkpoints when the settings do not say:
/// beside its database (DB-NAME-checkpoints). The choice is recorded with the search, so a resume finds the same folder.
/// </summary>
internal static class CheckpointFolder
{
    public static string WithDefault(string settingsText, string db)
    {
        var settings = SettingsSources.Read(settingsText);
        if (settings.Evaluator.Name != BuiltInEvaluators.Command || settings.Evaluator.Command.CheckpointDir.Length > 0) return settingsText;
        var full = Path.GetFullPath(db);
        var folder = Path.Combine(Path.GetDirectoryName(full) ?? ".", Path.GetFileNameWithoutExtension(full) + "-checkpoints");
        return settingsText + "\n" + new HoconOverrides().Set("evaluator.command.checkpoint-dir", folder).Text;
    }
}
