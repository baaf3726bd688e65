using System.Globalization;
using System.Text;
using ActorNas.Analysis.Caching;

namespace ActorNas.Analysis.Output;

/// <summary>cache-study.csv: one row per policy and capacity.</summary>
public static class CacheStudyCsv
{
    public const string Header = "policy,capacity_fraction,capacity_layers,stored_layers,requests,hits,hit_ratio,vs_belady,evictions,window";

    public static void Write(CacheStudy study, string path)
    {
        ArgumentNullException.ThrowIfNull(study);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(Header);
        foreach (var r in study.Rows)
        {
            var vs = study.VsBelady(r.Policy, r.Fraction);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Policy},{r.Fraction:R},{r.Capacity},{study.DistinctOffered},{r.Requests},{r.Hits},{Number(r.HitRatio)},{Number(vs)},{r.Evictions},{study.Window}"));
        }
    }

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
