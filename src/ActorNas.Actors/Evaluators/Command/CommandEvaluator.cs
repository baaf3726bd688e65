using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorNas.Actors.Configuration;
using ActorNas.Core.Evaluation;
using NLog;

namespace ActorNas.Actors.Evaluators.Command;

/// <summary>
/// Any program as an evaluator: one process per candidate attempt, in a process group of its own, the candidate on
/// stdin and in the environment, the result the last JSON line of stdout with "objective" (docs/command-evaluator.md).
/// Everything else the process prints goes to the log file, tagged with the candidate. A cancelled attempt (a timeout,
/// the search stopping) takes the whole group down: SIGTERM, then SIGKILL after the kill grace.
/// </summary>
public sealed class CommandEvaluator : IEvaluator
{
    private static readonly Logger Log = LogManager.GetCurrentClassLogger();
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    private readonly CommandSettings _settings;
    private readonly string _visibleDevices;

    /// <param name="visibleDevices">This slot's CUDA_VISIBLE_DEVICES ("" for the CPU), from <see cref="GpuSlots"/>.</param>
    public CommandEvaluator(CommandSettings settings, string visibleDevices)
    {
        _settings = settings;
        _visibleDevices = visibleDevices;
    }

    /// <summary>The folder of one candidate's checkpoint: ROOT/SEARCH-ID/CANDIDATE-ID, shared by its attempts.</summary>
    public static string CheckpointDirOf(string root, string searchId, long candidateId) =>
        Path.Combine(root, searchId, candidateId.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The parent's checkpoint folder when the parent was evaluated on this node and wrote something there; null otherwise
    /// (no parent, another node, or a script that writes no checkpoints). Fetching it from another node is not done yet.
    /// </summary>
    private string? ParentCheckpointOf(Candidate candidate, EvaluationContext context)
    {
        if (candidate.ParentId is not { } parent) return null;
        var folder = CheckpointDirOf(_settings.CheckpointRoot, context.SearchId, parent);
        return Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any() ? folder : null;
    }

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var checkpointDir = CheckpointDirOf(_settings.CheckpointRoot, context.SearchId, candidate.Id);
        Directory.CreateDirectory(checkpointDir);
        var input = CandidateInput.Of(candidate, context, checkpointDir, _visibleDevices, ParentCheckpointOf(candidate, context));
        var tag = $"candidate {candidate.Id} attempt {candidate.Attempt}";

        using var process = await ProcessLauncher.StartAsync(StartInfo(input)).ConfigureAwait(false);
        var group = process.Id;   // the wrapper leads its own session: its pid is the group's id
        var result = new ResultLine();
        var stderrTail = new OutputTail();
        var stdout = Task.Run(() => ReadLinesAsync(process.StandardOutput, line =>
        {
            bool isResult;
            lock (result) isResult = result.Offer(line);
            if (!isResult) Log.Info("{0} stdout: {1}", tag, line);
        }), CancellationToken.None);
        var stderr = Task.Run(() => ReadLinesAsync(process.StandardError, line =>
        {
            stderrTail.Add(line);
            Log.Info("{0} stderr: {1}", tag, line);
        }), CancellationToken.None);

        try
        {
            await process.StandardInput.WriteLineAsync(input.Json()).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // the process ended without reading its stdin: its exit code and output say why
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopGroupAsync(process, group).ConfigureAwait(false);
            Log.Info("{0}: cancelled (a timeout or the search stopping); its process group {1} is stopped", tag, group);
            throw;
        }
        ProcessGroup.Signal(group, ProcessGroup.SigKill);   // whatever the command left running in its group (a background child)
        await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(DrainLimit, CancellationToken.None)).ConfigureAwait(false);

        var exit = process.ExitCode;
        (EvaluationResult? Value, string? Problem) outcome;
        lock (result) outcome = result.Result();
        if (exit != 0)
            throw new CommandFailedException($"{_settings.Command[0]} exited with code {exit}{ExitMeaning(exit)}{stderrTail.Describe("stderr")}");
        if (outcome.Problem is { } problem)
            throw new CommandFailedException($"{problem}{stderrTail.Describe("stderr")}");
        return outcome.Value!;
    }

    private ProcessStartInfo StartInfo(CandidateInput input)
    {
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = _settings.WorkingDirectory.Length > 0 ? Path.GetFullPath(_settings.WorkingDirectory) : Directory.GetCurrentDirectory(),
        };
        foreach (var argument in new[]
                 {
                     "setpriv", "--pdeathsig", "TERM", "--", "bash", "-c", GroupWrapper.Script, GroupWrapper.Name,
                     Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                     ((long)_settings.KillGrace.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                 })
            info.ArgumentList.Add(argument);
        foreach (var argument in _settings.Command) info.ArgumentList.Add(argument);
        // ACTORNAS_* names are the candidate's alone: an inherited one (a variable of the shell that started the search)
        // must not reach the script as if it described the candidate
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("ACTORNAS_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(inherited);
        foreach (var (name, value) in _settings.Environment) info.Environment[name] = value;
        foreach (var (name, value) in input.EnvironmentVariables()) info.Environment[name] = value;
        return info;
    }

    /// <summary>SIGTERM to the group; the wrapper kills it after the grace. SIGKILL from here only if the wrapper is stuck too.</summary>
    private async Task StopGroupAsync(Process process, int group)
    {
        ProcessGroup.Signal(group, ProcessGroup.SigTerm);
        if (!await ExitedWithinAsync(process, _settings.KillGrace + TimeSpan.FromSeconds(5)).ConfigureAwait(false))
        {
            ProcessGroup.Signal(group, ProcessGroup.SigKill);
            await ExitedWithinAsync(process, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        ProcessGroup.Signal(group, ProcessGroup.SigKill);
    }

    private static async Task<bool> ExitedWithinAsync(Process process, TimeSpan limit)
    {
        using var timer = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timer.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return process.HasExited;
        }
    }

    private static async Task ReadLinesAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line) onLine(line);
    }

    private static string ExitMeaning(int exit) => exit > 128 && exit < 160 ? $" (killed by signal {exit - 128})" : "";
}
