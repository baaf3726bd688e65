using ActorNas.Core.Events;

namespace ActorNas.Benchmarks;

/// <summary>
/// What a search would return if stopped now: the evaluated candidate with the best validation accuracy (ties to the
/// earlier one), and its test accuracy, which is only read, never used to choose.
/// </summary>
internal sealed class Incumbent
{
    public int Evaluated { get; private set; }
    public double Valid { get; private set; } = double.NegativeInfinity;
    public double Test { get; private set; } = double.NaN;

    /// <summary>Folds one event; true when it was an evaluation.</summary>
    public bool Observe(ISearchEvent e)
    {
        if (e is not CandidateEvaluated v || v.Metrics is not { } metrics) return false;
        Evaluated++;
        var test = metrics["testAccuracy"];
        if (v.Objective > Valid)
        {
            Valid = v.Objective;
            Test = test;
        }
        return true;
    }
}

/// <summary>Mean and sample standard deviation.</summary>
internal readonly record struct Stat(double Mean, double Std, int N)
{
    public double StandardError => N > 0 ? Std / Math.Sqrt(N) : double.NaN;

    public static Stat Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new Stat(double.NaN, double.NaN, 0);
        var mean = values.Average();
        var variance = values.Count > 1 ? values.Sum(x => (x - mean) * (x - mean)) / (values.Count - 1) : 0;
        return new Stat(mean, Math.Sqrt(variance), values.Count);
    }

    public override string ToString() => $"{Mean,6:F2} +- {Std:F2}";
}
