using System.Globalization;
using ActorNas.Actors.Protocol;
using Spectre.Console;

namespace ActorNas.Cli.Output;

/// <summary>
/// Progress of a running search on stderr (stdout stays for results and --json): a live Spectre.Console panel when
/// stderr is a terminal, otherwise a plain line every interval. Fed from one loop (Spectre is not thread-safe).
/// </summary>
internal abstract class ProgressDisplay
{
    public static ProgressDisplay Create(TimeSpan plainInterval) =>
        Console.IsErrorRedirected ? new PlainProgress(plainInterval) : new LiveProgress();

    /// <summary>Runs <paramref name="loop"/>, which calls the given update with every fresh status.</summary>
    public abstract Task RunAsync(Func<Action<SearchStatus>, Task> loop);

    protected static string Line(SearchStatus s, double rate) => string.Create(CultureInfo.InvariantCulture,
        $"evaluated {s.Evaluated}/{s.Budget}, best {(s.Best is null ? "-" : s.Best.Objective.ToString("F4", CultureInfo.InvariantCulture))}, " +
        $"{rate:F1} eval/s, running {s.Running}{RunningText.Longest(s, DateTimeOffset.UtcNow)}, failures {s.FinalFailures} final / {s.FailedAttempts} attempts");

    /// <summary>Evaluations per second over the last few seconds.</summary>
    protected sealed class Rate
    {
        private readonly Queue<(DateTime At, int Evaluated)> _window = new();

        public double Add(int evaluated)
        {
            var now = DateTime.UtcNow;
            _window.Enqueue((now, evaluated));
            while (_window.Count > 2 && now - _window.Peek().At > TimeSpan.FromSeconds(5)) _window.Dequeue();
            var first = _window.Peek();
            var seconds = (now - first.At).TotalSeconds;
            return seconds > 0 ? (evaluated - first.Evaluated) / seconds : 0;
        }
    }

    private sealed class PlainProgress(TimeSpan interval) : ProgressDisplay
    {
        public override Task RunAsync(Func<Action<SearchStatus>, Task> loop)
        {
            var rate = new Rate();
            var last = DateTime.UtcNow;
            var started = DateTime.UtcNow;
            return loop(status =>
            {
                var r = rate.Add(status.Evaluated);
                if (DateTime.UtcNow - last < interval) return;
                last = DateTime.UtcNow;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(last - started).TotalSeconds,7:F1}s] {Line(status, r)}"));
            });
        }
    }

    private sealed class LiveProgress : ProgressDisplay
    {
        public override Task RunAsync(Func<Action<SearchStatus>, Task> loop)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            var rate = new Rate();
            var table = new Table().Border(TableBorder.Rounded).AddColumn("search").AddColumn("progress");
            table.AddRow("evaluated", "-").AddRow("best", "-").AddRow("rate", "-").AddRow("running", "-").AddRow("failures", "-");
            return console.Live(table).StartAsync(context => loop(status =>
            {
                var r = rate.Add(status.Evaluated);
                var percent = status.Budget == 0 ? 0 : 100.0 * status.Evaluated / status.Budget;
                table.Title = new TableTitle($"ActorNas search [bold]{Markup.Escape(status.SearchId)}[/]");
                table.UpdateCell(0, 1, string.Create(CultureInfo.InvariantCulture, $"{status.Evaluated} / {status.Budget} ({percent:F1} %)"));
                table.UpdateCell(1, 1, status.Best is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{status.Best.Objective:F4} (candidate {status.Best.Id})"));
                table.UpdateCell(2, 1, string.Create(CultureInfo.InvariantCulture, $"{r:F1} evaluations/s"));
                table.UpdateCell(3, 1, string.Create(CultureInfo.InvariantCulture, $"{status.Running} running{RunningText.Longest(status, DateTimeOffset.UtcNow)}, {status.Queued} queued"));
                table.UpdateCell(4, 1, string.Create(CultureInfo.InvariantCulture, $"{status.FinalFailures} final, {status.FailedAttempts} failed attempts"));
                context.Refresh();
            }));
        }
    }
}
