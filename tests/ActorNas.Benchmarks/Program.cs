using ActorNas.Benchmarks;

// One subcommand per benchmark; each prints human-readable lines and, as its last line, one JSON object.
if (args.Length == 0) return Usage("name a benchmark");
// the analysis benchmark's child process (not for users)
if (args is ["analyze-child", var childDb, var childOut, var childRead]) return await AnalysisBenchmark.ChildAsync(childDb, childOut, childRead);
// the web-load benchmark's clients (not for users)
if (args is ["web-clients", var url, var clientCount]) return await WebLoadBenchmark.ClientsAsync(url, int.Parse(clientCount, System.Globalization.CultureInfo.InvariantCulture));

BenchOptions options;
try
{
    options = BenchOptions.Parse(args[1..]);
}
catch (ArgumentException e)
{
    return Usage(e.Message);
}

try
{
    return await RunAsync(args[0], options);
}
catch (BenchmarkFailedException e)
{
    Console.Error.WriteLine($"error: the {args[0]} benchmark failed: {e.Message}");
    return 1;
}

static async Task<int> RunAsync(string name, BenchOptions options) => name switch
{
    "orchestration" => await OrchestrationBenchmark.RunAsync(options),
    "nb201" => Nb201Study.Run(options),
    "analyze" => await AnalysisBenchmark.RunAsync(options),
    "log-check" => await LogCheckBenchmark.RunAsync(options),
    "torch" => TorchBenchmark.Run(options),
    "cache" => await CacheBenchmark.RunAsync(options),
    "cache-transfer" => await CacheTransferBenchmark.RunAsync(options),
    "cluster" => await ClusterBenchmark.RunAsync(options),
    "cluster-utilization" => await ClusterBenchmark.RunUtilizationAsync(options),
    "faults" => await FaultsBenchmark.RunAsync(options),
    "long" => await LongBenchmark.RunAsync(options),
    "command" => await CommandBenchmark.RunAsync(options),
    "web-load" => await WebLoadBenchmark.RunAsync(options),
    "fade" => FadeBenchmark.Run(options),
    "spidernet" => SpiderNetBenchmark.Run(options),
    _ => Usage($"unknown benchmark \"{name}\""),
};

static int Usage(string problem)
{
    Console.Error.WriteLine($"""
        error: {problem}
        usage: dotnet run -c Release --project tests/ActorNas.Benchmarks -- <benchmark> [options]
          orchestration   evaluations/s of the plain loop, the actors (in-memory and SQLite journal) and the SQLite
                          insert limit; evaluator utilisation in continuous and batch mode
          --budget N      evaluations per throughput run (default 20000)
          nb201           NAS-Bench-201 on a simulated clock: random search, REA and hybrid REA over many seeds and
                          budgets on CIFAR-10, CIFAR-100 and ImageNet16-120; batch vs continuous with 8, 32, 128 workers
          analyze         time and peak memory of `analyze` on a 100,000-candidate log (--budget N to change it)
          log-check       seconds to read a 100,000-candidate log row by row (resume's check of older events, the
                          unreadable-log verdict, repair), the read journal, and SQLite's online backup (--budget N)
          torch           TorchSharp on the CPU: native memory over 500 train evaluations, NASWOT ms per NB201 network,
                          one NB201 training step, training steps a mutated child saves with weight transfer
          cache           the offline cache study: lru, lfu, donor-popularity as a fraction of Belady at 1, 5, 10, 25 % of the
                          stored layers, on NB201 tabular search logs (P100 S25, P50 S5) and a Fashion-MNIST training search;
                          training time and accuracy with and without weight transfer (--budget, --seeds, --window W,
                          --train-budget N: evaluations of each training search, default 1000)
          cache-transfer  WeightCache layers moved between two ActorSystems on loopback: whole-model fetch latency and
                          MB/s, and bytes moved between nodes per evaluation (NB201 C=16 N=5, sequential);
                          --budget N evaluations per model (default 200)
          cluster         real `actornas seed`/`worker` processes on PostgreSQL (ACTORNAS_TEST_POSTGRES): speedup of 3 evaluator
                          processes over 1, seconds from kill -9 of a worker to the re-issue of its candidates, singleton
                          hand-over seconds, worker utilisation with 2,000 slots over 3 processes (1 s log-normal tasks, lookahead 1)
          cluster-utilization  only the 2,000-slot run of `cluster`, lookahead 0 then 1 back to back, with the CPU ms per
                          evaluation of each process
          faults          each fault of docs/operations.md's "When something breaks" with real processes: full disk,
                          read-only file system, PostgreSQL absent, stopped 10 s, stopped past its grace, a damaged
                          event, a damaged snapshot, export onto the database (--budget N per search, default 3000;
                          the disk scenarios need root, the PostgreSQL ones its server programs)
          --only NAME     faults: run only this scenario
          long            a zero-duration search killed with kill -9 every 30 s until done (--budget N, default
                          1,000,000): resident memory every 100,000 evaluations, each recovery's seconds, exact budget,
                          then the seconds of `status` and `list` on the finished log
          command         the command evaluator's overhead per candidate against the in-process synthetic evaluator, for
                          an echo of the result line and for a python3 -c script: ms per candidate alone, evaluations/s
                          in a 2-slot search on SQLite (--budget N candidates each, default 400)
          web-load        evaluations/s of a full-speed search served with `run --web`, alone and with 20 event-stream
                          clients reading every event (--budget N, default 100,000; --quick 3,000; --clients N, default 20; --rounds N, default 2;
                          --serve: the pages from `actornas serve` in a process of its own)
          fade            FaDE on the CPU: Spearman and Kendall of region-supernet scores against standalone accuracy
                          (3 regions x 16 architectures x 2 seeds, Fashion-MNIST), supernet vs k^S standalone epochs for S = 1..5
          spidernet       SpiderNet's round loop (train, prune, grow) against random growth, Fashion-MNIST: accuracy,
                          parameters, peak memory (estimated), seconds (--budget N rounds, default 8; --seeds N, default 3;
                          --ntk-images N, default 64: the images the NTK is taken over, the growth's cost on the CPU)
          --seeds N       nb201: seeds per algorithm (default 100); cache: seeds per NB201 search (default 3)
          --table PATH    nb201, cache: a NAS-Bench-201 table, CSV or .csv.gz (default: the shipped data/nb201 table)
          --threads N     torch: libtorch threads for NASWOT and the training step (default 1); fade: for every training
          --quick         small numbers, for a CI smoke run
        """);
    return 2;
}
