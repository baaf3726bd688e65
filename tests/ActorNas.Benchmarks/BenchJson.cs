using System.Text;
using System.Text.Json;

namespace ActorNas.Benchmarks;

/// <summary>
/// The machine-readable last line of a benchmark: one flat JSON object of numbers, keys in insertion order. A value
/// that is NaN or infinite is written as null, never as a number, and a note saying which key and why is printed at
/// once (before the JSON line, which stays last).
/// </summary>
internal sealed class BenchJson
{
    private readonly List<(string Key, double? Value)> _values = [];

    /// <param name="whyNotFinite">What a NaN or infinite value means here; printed with the note when it happens.</param>
    public BenchJson Add(string key, double value, int digits, string? whyNotFinite = null)
    {
        if (double.IsFinite(value))
        {
            _values.Add((key, Math.Round(value, digits)));
            return this;
        }
        Console.WriteLine($"note: {key} is null in the JSON: the measured value is {value}" +
                          (whyNotFinite is null ? " (nothing to compute it from)" : $" ({whyNotFinite})"));
        _values.Add((key, null));
        return this;
    }

    public override string ToString()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in _values)
            {
                if (value is { } number) writer.WriteNumber(key, number);
                else writer.WriteNull(key);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
