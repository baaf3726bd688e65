namespace ActorNas.Benchmarks;

/// <summary>
/// A benchmark whose numbers cannot be trusted (a process it started failed, a slot never worked, a wait ran out):
/// the program prints the message and exits 1 instead of printing figures.
/// </summary>
internal sealed class BenchmarkFailedException(string message) : Exception(message);
