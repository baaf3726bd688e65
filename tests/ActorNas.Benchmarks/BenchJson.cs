using System.Text;
using System.Text.Json;

namespace ActorNas.Benchmarks;

/// <summary>The machine-readable last line of a benchmark: one flat JSON object of numbers, keys in insertion order.</summary>
internal sealed class BenchJson
{
    private readonly List<(string Key, double Value)> _values = [];

    public BenchJson Add(string key, double value, int digits)
    {
        _values.Add((key, double.IsFinite(value) ? Math.Round(value, digits) : 0));
        return this;
    }

    public override string ToString()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in _values) writer.WriteNumber(key, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
