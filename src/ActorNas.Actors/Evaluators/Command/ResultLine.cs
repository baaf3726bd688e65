using System.Text.Json;
using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Evaluators.Command;

/// <summary>
/// Finds a command's result among its stdout lines: the last line that parses as a JSON object with "objective".
/// Each line is offered once, in order; <see cref="Result"/> then says what the attempt produced or why it failed.
/// </summary>
internal sealed class ResultLine
{
    private const int Quoted = 200;
    private JsonElement? _last;
    private string? _lastText;
    private string? _malformed;   // a later line that looked like a result but was not JSON (NaN, say)

    /// <summary>True when the line is a result line (or tries to be one); other lines are the process's own output.</summary>
    public bool Offer(string line)
    {
        var text = line.Trim();
        if (!text.StartsWith('{') || !text.Contains("\"objective\"", StringComparison.Ordinal)) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("objective", out _)) return false;
            _last = doc.RootElement.Clone();
            _lastText = text;
            _malformed = null;
        }
        catch (JsonException e)
        {
            _malformed = $"the result line `{Quote(text)}` is not valid JSON ({e.Message.Split('.')[0]}; NaN and Infinity are not " +
                "JSON numbers: a failed training should exit non-zero or print a finite objective)";
        }
        return true;
    }

    /// <summary>The result, or the reason there is none (without the exit code and stderr, which the caller adds).</summary>
    public (EvaluationResult? Result, string? Problem) Result()
    {
        if (_malformed is not null) return (null, _malformed);
        if (_last is not { } root)
            return (null, "no result line on stdout (one line with a JSON object such as {\"objective\": 0.93, \"metrics\": {\"loss\": 0.2}})");
        var objective = root.GetProperty("objective");
        if (objective.ValueKind != JsonValueKind.Number || !objective.TryGetDouble(out var value))
            return (null, $"the objective in `{Quote(_lastText!)}` is not a number");
        if (!double.IsFinite(value)) return (null, $"the objective in `{Quote(_lastText!)}` is not finite");
        Dictionary<string, double>? metrics = null;
        if (root.TryGetProperty("metrics", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            if (given.ValueKind != JsonValueKind.Object)
                return (null, $"\"metrics\" in `{Quote(_lastText!)}` is not an object of names and numbers");
            metrics = [];
            foreach (var metric in given.EnumerateObject())
            {
                if (metric.Value.ValueKind != JsonValueKind.Number || !metric.Value.TryGetDouble(out var number) || !double.IsFinite(number))
                    return (null, $"the metric \"{metric.Name}\" in `{Quote(_lastText!)}` is not a finite number");
                metrics[metric.Name] = number;
            }
        }
        return (new EvaluationResult(value, metrics), null);
    }

    private static string Quote(string text) => text.Length > Quoted ? text[..Quoted] + " ..." : text;
}
