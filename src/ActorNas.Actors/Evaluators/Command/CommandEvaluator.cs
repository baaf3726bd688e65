using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorNas.Actors.Caching;
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
    /// The parent's checkpoint folder on this node (null: none) and the cache facts to record (null: no parent, or no
    /// cache). The node's weight cache, when there is one, finds it here or fetches it from the parent's node into this
    /// node's checkpoint root; without one, only a folder already here counts. A cache that cannot answer costs the child its
    /// parent's weights, never the evaluation.
    /// </summary>
    private async Task<(string? Folder, IEnumerable<KeyValuePair<string, double>>? Metrics)> ParentCheckpointAsync(
        Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        if (candidate.ParentId is not { } parent) return (null, null);
        var folder = CheckpointDirOf(_settings.CheckpointRoot, context.SearchId, parent);
        if (context.LayerCache is ICheckpointCache cache)
        {
            try
            {
                var fetch = await cache.FetchCheckpointAsync(new CheckpointRequest(context.SearchId, parent, candidate.ParentNode, folder), cancellationToken)
                    .ConfigureAwait(false);
                return (fetch.Folder, fetch.Metrics());
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.Warn("candidate {0}: the weight cache did not answer for its parent's checkpoint ({1}); it starts without it", candidate.Id, e.Message);
                return (null, [new("cacheLayersRequested", 1), new("cacheErrors", 1)]);
            }
        }
        return (HoldsFiles(folder) ? folder : null, null);
    }

    private static bool HoldsFiles(string folder) => Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any();

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var checkpointDir = CheckpointDirOf(_settings.CheckpointRoot, context.SearchId, candidate.Id);
        Directory.CreateDirectory(checkpointDir);
        var (parentCheckpoint, cacheMetrics) = await ParentCheckpointAsync(candidate, context, cancellationToken).ConfigureAwait(false);
        var input = CandidateInput.Of(candidate, context, checkpointDir, _visibleDevices, parentCheckpoint);
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
        // other nodes may fetch what this candidate wrote for its children
        if (context.LayerCache is ICheckpointCache cache && HoldsFiles(checkpointDir)) cache.CheckpointWritten(context.SearchId, candidate.Id, checkpointDir);
        return WithCacheFacts(outcome.Value!, parentCheckpoint, cacheMetrics);
    }

    /// <summary>The parent checkpoint's cache facts beside the script's metrics (the cache* names are the evaluator's).</summary>
    private static EvaluationResult WithCacheFacts(EvaluationResult result, string? parentCheckpoint, IEnumerable<KeyValuePair<string, double>>? cacheMetrics)
    {
        if (cacheMetrics is null) return result;
        var metrics = new Dictionary<string, double>(result.Metrics ?? new Dictionary<string, double>(), StringComparer.Ordinal);
        foreach (var (name, value) in cacheMetrics) metrics[name] = value;
        return result with { Metrics = metrics, CacheHit = parentCheckpoint is not null };
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
