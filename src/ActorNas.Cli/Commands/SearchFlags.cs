using System.CommandLine;
using System.Globalization;
using ActorNas.Actors.Configuration;

namespace ActorNas.Cli.Commands;

/// <summary>The flags that define a new search (shared by `run` and `simulate`), and how they become HOCON overrides.</summary>
internal sealed class SearchFlags
{
    private readonly Option<string?> _space = new("--space") { Description = "Search space: nb201, sequential, hierarchical (docs/fade.md) or spidernet (one network grown and pruned a round per candidate; docs/spidernet.md)" };
    private readonly Option<string?> _evaluator = new("--evaluator") { Description = "Evaluator: tabular (default), synthetic, train, naswot or command (your program, one process per candidate: actornas.evaluator.command, docs/command-evaluator.md)" };
    private readonly Option<string?> _table = new("--table") { Description = "tabular: a NAS-Bench-201 table, CSV or .csv.gz (default: the table shipped with ActorNas; docs/tabular.md)" };
    private readonly Option<string?> _dataset = new("--dataset") { Description = "tabular: cifar10, cifar100 or imagenet16-120 (default cifar10); for train/naswot data see --train-data" };
    private readonly Option<string?> _trainData = new("--train-data") { Description = "train/naswot: fashion-mnist, cifar10 or synthetic (default fashion-mnist)" };
    private readonly Option<string?> _dataDir = new("--data-dir") { Description = "train/naswot: folder of the dataset's files (default: its standard place)" };
    private readonly Option<double?> _timeScale = new("--time-scale") { Description = "tabular: real seconds slept per simulated second (default 0: answer at once)" };
    private readonly Option<int?> _screenMutants = new("--screen-mutants") { Description = "Hybrid evolution: rank this many mutants with --proxy, evaluate the best" };
    private readonly Option<string?> _proxy = new("--proxy") { Description = "What ranks screened mutants: flops (nb201), surrogate, naswot, ntk, linear-regions or fade (hierarchical)" };
    private readonly Option<string?> _strategy = new("--strategy") { Description = "rea (Regularized Evolution, default) or fade (FaDE's region-ranked loop, --space hierarchical; docs/fade.md)" };
    private readonly Option<string?> _growth = new("--growth") { Description = "spidernet: how the network grows between rounds, metrics (SpiderNet, default) or random (the control)" };
    private readonly Option<int?> _budget = new("--budget") { Description = "Successful evaluations to run" };
    private readonly Option<int?> _population = new("--population") { Description = "Population size P" };
    private readonly Option<int?> _sample = new("--sample") { Description = "Tournament sample size S" };
    private readonly Option<int?> _workers = new("--workers") { Description = "Evaluator slots in this process" };
    private readonly Option<string?> _mode = new("--mode") { Description = "continuous or batch" };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "B in batch mode (default: --workers)" };
    private readonly Option<long?> _seed = new("--seed") { Description = "Seed of every random draw of the search" };
    private readonly Option<int?> _maxAttempts = new("--max-attempts") { Description = "Attempts per candidate before its failure is final" };
    private readonly Option<string?> _timeout = new("--timeout") { Description = "Per-candidate time limit, e.g. 30s or 10m; auto = 10x the p95 of recent evaluations, at least 60s by default (0s = none)" };
    private readonly Option<string?> _searchId;

    public Option<string?> SearchIdOption => _searchId;
    private readonly Option<FileInfo?> _config = CliOptions.Config();

    public Option<FileInfo?> Config => _config;

    /// <summary>--db, the SQLite file; null for `seed`, whose log is always in PostgreSQL.</summary>
    public Option<string>? Db { get; }
    public Option<bool> Json { get; } = CliOptions.Json();
    public Option<bool> Verbose { get; } = CliOptions.Verbose();
    public Option<string?> LogFile { get; }

    public SearchFlags() : this(withDb: true, "Name of the new search (default: a time stamp)", "actornas.log beside the --db file")
    {
    }

    public SearchFlags(bool withDb, string searchIdHelp, string logFilePlace)
    {
        Db = withDb ? CliOptions.Db() : null;
        _searchId = CliOptions.SearchId(searchIdHelp);
        LogFile = CliOptions.LogFile(logFilePlace);
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option?[]
                 {
                     _space, _evaluator, _table, _dataset, _trainData, _dataDir, _timeScale, _screenMutants, _proxy, _strategy, _growth, _budget, _population, _sample,
                     _workers, _mode, _batchSize, _seed, _maxAttempts, _timeout, Db, _searchId, _config, Json, Verbose, LogFile,
                 })
            if (option is not null) command.Options.Add(option);
    }

    public string SearchIdOf(ParseResult parse) =>
        SearchIds.Validate(parse.GetValue(_searchId) ?? DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    /// <summary>The --config file's text, then the flags as HOCON lines (later lines win).</summary>
    public string SettingsText(ParseResult parse)
    {
        var overrides = new HoconOverrides()
            .Set("space.name", parse.GetValue(_space))
            .Set("evaluator.name", parse.GetValue(_evaluator))
            .Set("evaluator.tabular.table", parse.GetValue(_table) is { } t ? Path.GetFullPath(t) : null)
            .Set("evaluator.tabular.dataset", parse.GetValue(_dataset))
            .Set("evaluator.train.dataset", parse.GetValue(_trainData))
            .Set("evaluator.train.data-dir", parse.GetValue(_dataDir) is { } d ? Path.GetFullPath(d) : null)
            .Set("evaluator.tabular.time-scale", parse.GetValue(_timeScale))
            .Set("search.screening.mutants", parse.GetValue(_screenMutants))
            .Set("search.screening.proxy", parse.GetValue(_proxy))
            .Set("search.strategy", parse.GetValue(_strategy))
            .Set("search.growth.rule", parse.GetValue(_growth))
            .Set("search.budget", parse.GetValue(_budget))
            .Set("search.population-size", parse.GetValue(_population))
            .Set("search.sample-size", parse.GetValue(_sample))
            .Set("evaluator.workers", parse.GetValue(_workers))
            .Set("search.mode", parse.GetValue(_mode))
            .Set("search.batch-size", parse.GetValue(_batchSize))
            .Set("search.seed", parse.GetValue(_seed))
            .Set("search.max-attempts", parse.GetValue(_maxAttempts))
            .Set("evaluator.timeout", parse.GetValue(_timeout));
        var fileText = parse.GetValue(_config) is { } file ? ActorNasConfig.ReadFile(file.FullName) : "";
        return fileText + "\n" + overrides.Text;
    }
}
