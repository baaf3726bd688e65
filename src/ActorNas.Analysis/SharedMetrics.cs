using System.Collections;

namespace ActorNas.Analysis;

/// <summary>
/// Keeps each candidate's metrics as one array of values over a list of names shared by every candidate that reported
/// the same names in the same order. An evaluator reports the same few metrics for every candidate; as a dictionary
/// apiece (with its own copy of each name, as the log's deserializer makes them) they were the largest part of a
/// folded candidate, some 250 bytes for a single metric.
/// </summary>
internal sealed class SharedMetrics
{
    private readonly Dictionary<string, MetricNames> _byNames = new(StringComparer.Ordinal);
    private MetricNames? _last;

    /// <summary>The same metrics, names and values in the same order, in the shared form (null stays null).</summary>
    public IReadOnlyDictionary<string, double>? Share(IReadOnlyDictionary<string, double>? metrics)
    {
        if (metrics is null or MetricValues) return metrics;
        var names = NamesOf(metrics);
        var values = new double[names.Count];
        var i = 0;
        foreach (var (_, value) in metrics) values[i++] = value;
        return new MetricValues(names, values);
    }

    private MetricNames NamesOf(IReadOnlyDictionary<string, double> metrics)
    {
        // the common case: the same names as the candidate before
        if (_last is { } last && last.SameAs(metrics)) return last;
        // each name with its length in front, so that no two lists of names make the same key
        var key = string.Concat(metrics.Keys.Select(name => $"{name.Length}:{name}"));
        if (!_byNames.TryGetValue(key, out var names)) _byNames[key] = names = new MetricNames([.. metrics.Keys]);
        return _last = names;
    }
}

/// <summary>Metric names in the order a candidate reported them, with each name's place.</summary>
internal sealed class MetricNames
{
    private readonly Dictionary<string, int> _index;

    public MetricNames(string[] names)
    {
        Names = names;
        _index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++) _index[names[i]] = i;
    }

    public string[] Names { get; }
    public int Count => Names.Length;

    public bool TryIndex(string name, out int index) => _index.TryGetValue(name, out index);

    public bool SameAs(IReadOnlyDictionary<string, double> metrics)
    {
        if (metrics.Count != Names.Length) return false;
        var i = 0;
        foreach (var name in metrics.Keys)
            if (!string.Equals(name, Names[i++], StringComparison.Ordinal)) return false;
        return true;
    }
}

/// <summary>One candidate's metrics: values over shared names, read as the dictionary it was.</summary>
/// <remarks>Equal to other shared metrics with the same names and values in the same order, so that the records of two
/// folds of the same log (each with its own interner) compare equal.</remarks>
internal sealed class MetricValues(MetricNames names, double[] values) : IReadOnlyDictionary<string, double>, IEquatable<MetricValues>
{
    private readonly MetricNames _names = names;
    private readonly double[] _values = values;

    public double this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no metric {key}");
    public IEnumerable<string> Keys => _names.Names;
    public IEnumerable<double> Values => _values;
    public int Count => _values.Length;

    public bool ContainsKey(string key) => _names.TryIndex(key, out _);

    public bool TryGetValue(string key, out double value)
    {
        var found = _names.TryIndex(key, out var index);
        value = found ? _values[index] : default;
        return found;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++) yield return KeyValuePair.Create(_names.Names[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(MetricValues? other) =>
        other is not null
        && (ReferenceEquals(_names, other._names) || _names.Names.AsSpan().SequenceEqual(other._names.Names))
        && _values.AsSpan().SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as MetricValues);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in _values) hash.Add(value);
        return hash.ToHashCode();
    }
}
