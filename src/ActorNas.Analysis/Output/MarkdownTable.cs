using System.Globalization;
using System.Text;

namespace ActorNas.Analysis.Output;

/// <summary>Small helpers for the report: a pipe table, and numbers in the invariant culture.</summary>
internal static class Md
{
    public static void Table(StringBuilder sb, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        sb.Append("| ").Append(string.Join(" | ", header)).AppendLine(" |");
        sb.Append('|').Append(string.Concat(header.Select(_ => "---|"))).AppendLine();
        foreach (var row in rows) sb.Append("| ").Append(string.Join(" | ", row)).AppendLine(" |");
        sb.AppendLine();
    }

    public static string N(double value, int digits = 3) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + digits, CultureInfo.InvariantCulture);

    public static string N(double? value, int digits = 3) => value is { } v ? N(v, digits) : "never";

    public static string I(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Pct(double share) => double.IsNaN(share) ? "n/a" : (100 * share).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
