using System.CommandLine;
using System.Globalization;
using System.Text;
using ActorNas.Actors.Configuration;
using ActorNas.Cli.Hosting;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas run`: starts a new search. Flags become HOCON overrides, recorded with the search for resume.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var space = new Option<string?>("--space") { Description = "Search space: nb201 or sequential" };
        var evaluator = new Option<string?>("--evaluator") { Description = "Evaluator: synthetic or tabular" };
        var table = new Option<string?>("--table") { Description = "tabular: path of the NAS-Bench-201 table (CSV, see docs/tabular.md)" };
        var dataset = new Option<string?>("--dataset") { Description = "tabular: cifar10, cifar100 or imagenet16-120 (default cifar10)" };
        var timeScale = new Option<double?>("--time-scale") { Description = "tabular: real seconds slept per simulated second (default 0: answer at once)" };
        var screenMutants = new Option<int?>("--screen-mutants") { Description = "Hybrid evolution: rank this many mutants with --proxy, evaluate the best" };
        var proxy = new Option<string?>("--proxy") { Description = "What ranks screened mutants: flops (nb201) or surrogate" };
        var budget = new Option<int?>("--budget") { Description = "Successful evaluations to run" };
        var population = new Option<int?>("--population") { Description = "Population size P" };
        var sample = new Option<int?>("--sample") { Description = "Tournament sample size S" };
        var workers = new Option<int?>("--workers") { Description = "Evaluator slots in this process" };
        var mode = new Option<string?>("--mode") { Description = "continuous or batch" };
        var batchSize = new Option<int?>("--batch-size") { Description = "B in batch mode (default: --workers)" };
        var seed = new Option<long?>("--seed") { Description = "Seed of every random draw of the search" };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts per candidate before its failure is final" };
        var timeout = new Option<string?>("--timeout") { Description = "Per-candidate time limit, e.g. 30s or 10m (0s = none)" };
        var db = CliOptions.Db();
        var searchId = CliOptions.SearchId("Name of the new search (default: a time stamp)");
        var config = CliOptions.Config();
        var json = CliOptions.Json();
        var verbose = CliOptions.Verbose();
        var logFile = CliOptions.LogFile();

        var command = new Command("run", "Start a new search")
        {
            space, evaluator, table, dataset, timeScale, screenMutants, proxy, budget, population, sample, workers, mode, batchSize, seed, maxAttempts, timeout,
            db, searchId, config, json, verbose, logFile,
        };
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var overrides = new HoconOverrides()
                .Set("space.name", parse.GetValue(space))
                .Set("evaluator.name", parse.GetValue(evaluator))
                .Set("evaluator.tabular.table", parse.GetValue(table) is { } t ? Path.GetFullPath(t) : null)
                .Set("evaluator.tabular.dataset", parse.GetValue(dataset))
                .Set("evaluator.tabular.time-scale", parse.GetValue(timeScale))
                .Set("search.screening.mutants", parse.GetValue(screenMutants))
                .Set("search.screening.proxy", parse.GetValue(proxy))
                .Set("search.budget", parse.GetValue(budget))
                .Set("search.population-size", parse.GetValue(population))
                .Set("search.sample-size", parse.GetValue(sample))
                .Set("evaluator.workers", parse.GetValue(workers))
                .Set("search.mode", parse.GetValue(mode))
                .Set("search.batch-size", parse.GetValue(batchSize))
                .Set("search.seed", parse.GetValue(seed))
                .Set("search.max-attempts", parse.GetValue(maxAttempts))
                .Set("evaluator.timeout", parse.GetValue(timeout));
            var fileText = parse.GetValue(config) is { } file ? ActorNasConfig.ReadFile(file.FullName) : "";
            var id = parse.GetValue(searchId) ?? DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var request = new SearchRequest(
                SearchIds.Validate(id), parse.GetValue(db)!, IsNew: true,
                SettingsText: fileText + "\n" + overrides.Text, parse.GetValue(json), parse.GetValue(logFile));
            return await SearchRunner.RunAsync(request, cancel).ConfigureAwait(false);
        }));
        return command;
    }
}

/// <summary>`actornas resume`: continues a search from its log.</summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var db = CliOptions.Db();
        var searchId = CliOptions.SearchId("Search to resume (may be left out when the database holds one search)");
        var workers = new Option<int?>("--workers") { Description = "Evaluator slots in this process (default: as recorded)" };
        var config = CliOptions.Config();
        var json = CliOptions.Json();
        var verbose = CliOptions.Verbose();
        var logFile = CliOptions.LogFile();
        var command = new Command("resume", "Continue a search from its log; in-flight candidates are handed out again")
        {
            db, searchId, workers, config, json, verbose, logFile,
        };
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var overrides = new HoconOverrides().Set("evaluator.workers", parse.GetValue(workers));
            var fileText = parse.GetValue(config) is { } file ? ActorNasConfig.ReadFile(file.FullName) : "";
            var request = new SearchRequest(
                parse.GetValue(searchId) is { } id ? SearchIds.Validate(id) : null, parse.GetValue(db)!, IsNew: false,
                SettingsText: fileText + "\n" + overrides.Text, parse.GetValue(json), parse.GetValue(logFile));
            return await SearchRunner.RunAsync(request, cancel).ConfigureAwait(false);
        }));
        return command;
    }
}

/// <summary>Command-line flags as HOCON lines under actornas.*.</summary>
internal sealed class HoconOverrides
{
    private readonly StringBuilder _text = new();

    public string Text => _text.ToString();

    public HoconOverrides Set<T>(string key, T? value)
    {
        if (value is null) return this;
        var rendered = value switch
        {
            string s => StoreHost.Quote(s),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        _text.Append("actornas.").Append(key).Append(" = ").Append(rendered).Append('\n');
        return this;
    }
}

internal static class SearchIds
{
    public static string Validate(string id)
    {
        if (id.Length is 0 or > 100 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new SettingsException($"--search-id \"{id}\" is not valid: use 1 to 100 letters, digits, '-', '_' or '.'");
        return id;
    }
}
