using ActorNas.Tests.Shared;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>The space against the benchmark's own table (data/nb201/nb201_merged.csv.gz, read from the repository's file).</summary>
public sealed class Nb201BenchmarkTableTests
{
    private static readonly string[] OpColumns = ["op_0to1", "op_0to2", "op_1to2", "op_0to3", "op_1to3", "op_2to3"];

    [Fact]
    public void Every_architecture_string_of_the_benchmark_parses_to_its_op_columns_and_formats_back()
    {
        var lines = ShippedTable.Lines;
        var header = lines[0].Split(',');
        var archColumn = Array.IndexOf(header, "arch_str");
        var opColumns = OpColumns.Select(c => Array.IndexOf(header, c)).ToArray();
        Assert.True(archColumn >= 0, "no arch_str column");
        Assert.All(opColumns, i => Assert.True(i >= 0, "an op_* column is missing"));

        var rows = lines.Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(15_625, rows.Count);
        var seen = new HashSet<Genotype>();
        foreach (var row in rows)
        {
            var cells = row.Split(',');
            var text = cells[archColumn];
            var genotype = Nb201Space.Instance.Parse(text);
            var expected = opColumns.Select(i => int.Parse(cells[i], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected, genotype.ToArray());
            Assert.Equal(text, Nb201Space.Instance.Format(genotype));
            Assert.True(seen.Add(genotype), $"{text} appears twice");
        }
        Assert.Equal(15_625, seen.Count);
    }
}
