using System.Globalization;
using ActorNas.Actors.Tabular;
using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using ActorNas.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests.Tabular;

/// <summary>The NAS-Bench-201 table loader: the shipped table's facts (data/nb201/README.md) and every refusal.</summary>
public sealed class Nb201TableLoaderTests(ITestOutputHelper output)
{
    private static readonly Genotype AllNone = new([0, 0, 0, 0, 0, 0]);
    private static readonly Genotype AllSkip = new([1, 1, 1, 1, 1, 1]);
    private static readonly Genotype AllConv3x3 = new([3, 3, 3, 3, 3, 3]);

    // ------------------------------------------------------------------ cell indexing (no table needed)

    [Fact]
    public void CellAt_and_IndexOf_are_inverse_over_all_15625_cells_and_CellAt_enumerates_each_cell_once()
    {
        var seen = new HashSet<Genotype>();
        for (var i = 0; i < Nb201Table.CellCount; i++)
        {
            var cell = Nb201Table.CellAt(i);
            Nb201Space.Instance.Validate(cell);
            Assert.Equal(i, Nb201Table.IndexOf(cell));
            Assert.True(seen.Add(cell), $"CellAt({i}) = {cell} repeats an earlier cell");
        }
        Assert.Equal(15_625, seen.Count);
        Assert.Equal(AllNone, Nb201Table.CellAt(0));
        Assert.Equal(new Genotype([4, 4, 4, 4, 4, 4]), Nb201Table.CellAt(15_624));
        Assert.Equal(1, Nb201Table.IndexOf(new Genotype([0, 0, 0, 0, 0, 1])));      // last edge least significant
        Assert.Equal(3_125, Nb201Table.IndexOf(new Genotype([1, 0, 0, 0, 0, 0])));  // first edge most significant
    }

    [Fact]
    public void IndexOf_rejects_a_genotype_that_is_not_an_nb201_cell()
    {
        Assert.Throws<GenotypeFormatException>(() => Nb201Table.IndexOf(new Genotype([0, 1, 2, 3, 4])));
        Assert.Throws<GenotypeFormatException>(() => Nb201Table.IndexOf(new Genotype([0, 1, 2, 3, 4, 5])));
    }

    // ------------------------------------------------------------------ the real table: the one shipped with ActorNas

    [Fact]
    public void The_shipped_table_has_every_cell_and_Lookup_returns_the_values_of_the_repositorys_file()
    {
        // the embedded copy, loaded by ActorNas, against data/nb201/nb201_merged.csv.gz read here
        var table = Nb201TableLoader.Shipped;
        var lines = ShippedTable.Lines;
        var header = lines[0].Split(',');
        int Column(string name)
        {
            var i = Array.IndexOf(header, name);
            Assert.True(i >= 0, $"the real table lacks {name}");
            return i;
        }
        var arch = Column("arch_str");
        var rows = lines.Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(15_625, rows.Count);

        var indices = new HashSet<int>();
        foreach (var row in rows)
        {
            var fields = row.Split(',');
            var cell = Nb201Space.Instance.Parse(fields[arch]);
            Assert.True(indices.Add(Nb201Table.IndexOf(cell)), $"{fields[arch]} appears twice in the real table");
            foreach (var dataset in Nb201Datasets.All)
            {
                var entry = table.Lookup(cell, dataset);
                Assert.Equal(double.Parse(fields[Column(Nb201Table.ValidColumn(dataset))], CultureInfo.InvariantCulture), entry.ValidAccuracy);
                Assert.Equal(double.Parse(fields[Column(Nb201Table.TestColumn(dataset))], CultureInfo.InvariantCulture), entry.TestAccuracy);
            }
        }
        Assert.Equal(Nb201Table.CellCount, indices.Count);

        for (var i = 0; i < Nb201Table.CellCount; i++)
        {
            var cell = Nb201Table.CellAt(i);
            Assert.Equal(i, Nb201Table.IndexOf(cell));
            foreach (var dataset in Nb201Datasets.All)
            {
                var entry = table.Lookup(cell, dataset);
                Assert.InRange(entry.ValidAccuracy, 0.5, 100);   // every cell was filled (chance level is >= 0.83 %)
                Assert.InRange(entry.TestAccuracy, 0.5, 100);
            }
        }
        Assert.Equal(Nb201TableLoader.ShippedSource, table.Source);
        Assert.Same(table, Nb201TableLoader.Shipped);   // loaded once per process
        Assert.Same(table, Nb201TableLoader.LoadOrShipped(""));
    }

    [Fact]
    public void The_repositorys_file_loads_from_its_gz_path_and_as_plain_CSV_to_the_same_values_as_the_shipped_table()
    {
        var dir = Directory.CreateTempSubdirectory("actornas-table-");
        try
        {
            var csv = ShippedTable.WriteCsv(dir.FullName);
            foreach (var path in new[] { ShippedTable.GzPath, csv })
            {
                var table = Nb201TableLoader.LoadOrShipped(path);
                Assert.Equal(path, table.Source);
                for (var i = 0; i < Nb201Table.CellCount; i += 7)
                    foreach (var dataset in Nb201Datasets.All)
                        Assert.Equal(Nb201TableLoader.Shipped.Lookup(Nb201Table.CellAt(i), dataset), table.Lookup(Nb201Table.CellAt(i), dataset));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_gz_file_that_is_not_gzip_is_refused_naming_the_file_and_how_names_are_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actornas-plain-{Guid.NewGuid():N}.csv.gz");
        File.WriteAllText(path, string.Join('\n', ShippedTable.Lines.Take(3)));
        try
        {
            var e = Assert.Throws<TableFormatException>(() => Nb201TableLoader.Load(path));
            output.WriteLine(e.Message);
            Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("not a gzip file", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_real_tables_maxima_are_the_published_optima_of_the_space()
    {
        var table = Nb201TableLoader.Shipped;
        var cells = Enumerable.Range(0, Nb201Table.CellCount).Select(Nb201Table.CellAt).ToList();
        double Max(Nb201Dataset d, Func<TableEntry, double> pick) => cells.Max(c => pick(table.Lookup(c, d)));

        Assert.Equal(91.607, Math.Round(Max(Nb201Dataset.Cifar10, e => e.ValidAccuracy), 3));
        Assert.Equal(94.373, Math.Round(Max(Nb201Dataset.Cifar10, e => e.TestAccuracy), 3));
        Assert.Equal(73.493, Math.Round(Max(Nb201Dataset.Cifar100, e => e.ValidAccuracy), 3));
        Assert.Equal(73.513, Math.Round(Max(Nb201Dataset.Cifar100, e => e.TestAccuracy), 3));
        Assert.Equal(47.311, Math.Round(Max(Nb201Dataset.ImageNet16, e => e.TestAccuracy), 3));
    }

    [Fact]
    public void The_real_table_has_the_documented_values_of_the_all_none_all_skip_and_all_conv3x3_cells()
    {
        var table = Nb201TableLoader.Shipped;
        Assert.Equal(10.0, Math.Round(table.Lookup(AllNone, Nb201Dataset.Cifar10).TestAccuracy, 2));
        Assert.Equal(1.0, Math.Round(table.Lookup(AllNone, Nb201Dataset.Cifar100).TestAccuracy, 2));
        Assert.Equal(0.83, Math.Round(table.Lookup(AllNone, Nb201Dataset.ImageNet16).TestAccuracy, 2));
        Assert.Equal(54.30, Math.Round(table.Lookup(AllSkip, Nb201Dataset.Cifar10).TestAccuracy, 2));
        Assert.Equal(93.76, Math.Round(table.Lookup(AllConv3x3, Nb201Dataset.Cifar10).TestAccuracy, 2));
    }

    // ------------------------------------------------------------------ a complete synthetic table

    [Fact]
    public void A_complete_table_with_columns_and_rows_in_any_order_maps_every_column_to_its_dataset()
    {
        var table = Nb201Table.Read(new StringReader(Nb201Tables.SyntheticCsv()), "synthetic.csv");
        Assert.Equal("synthetic.csv", table.Source);
        for (var i = 0; i < Nb201Table.CellCount; i++)
        {
            var cell = Nb201Table.CellAt(i);
            foreach (var dataset in Nb201Datasets.All)
            {
                var entry = table.Lookup(cell, dataset);
                Assert.Equal(Nb201Tables.SyntheticValid(i, dataset), entry.ValidAccuracy);
                Assert.Equal(Nb201Tables.SyntheticTest(i, dataset), entry.TestAccuracy);
            }
        }
    }

    [Fact]
    public void Blank_lines_are_skipped_but_still_counted_in_line_numbers()
    {
        var csv = Nb201Tables.SyntheticCsv();
        var lines = csv.Split("\r\n");
        // a blank line after the header, then row 1 made malformed: the error must name line 3 (header, blank, row)
        var withBlank = string.Join("\r\n", [lines[0], "", lines[1].Replace("|+|", "|+", StringComparison.Ordinal), .. lines[2..]]);
        var e = Assert.Throws<TableFormatException>(() => Nb201Table.Read(new StringReader(withBlank), "blank.csv"));
        Assert.StartsWith("blank.csv, line 3:", e.Message, StringComparison.Ordinal);

        var valid = string.Join("\r\n", [lines[0], "", .. lines[1..], "", ""]);
        var table = Nb201Table.Read(new StringReader(valid), "blank.csv");
        Assert.Equal(Nb201Tables.SyntheticValid(0, Nb201Dataset.Cifar10), table.Lookup(Nb201Table.CellAt(0), Nb201Dataset.Cifar10).ValidAccuracy);
    }

    // ------------------------------------------------------------------ refusals found before the completeness check

    private static readonly string[] SmallHeader = ["nats_index", .. Nb201Table.RequiredColumns, "nats_cifar10_test_acc"];

    /// <summary>A row of the small header: cell index 0..., accuracies 50, with some fields replaced.</summary>
    private static string Row(int index, IReadOnlyDictionary<string, string>? replace = null)
    {
        var fields = SmallHeader.Select(name => name switch
        {
            "nats_index" => index.ToString(CultureInfo.InvariantCulture),
            Nb201Table.ArchitectureColumn => Nb201Space.Instance.Format(Nb201Table.CellAt(index)),
            _ => "50.5",
        }).ToArray();
        if (replace is not null)
            foreach (var (name, value) in replace) fields[Array.IndexOf(SmallHeader, name)] = value;
        return string.Join(',', fields);
    }

    private static TableFormatException Refuse(params string[] lines) =>
        Assert.Throws<TableFormatException>(() => Nb201Table.Read(new StringReader(string.Join('\n', lines)), "test.csv"));

    [Fact]
    public void An_empty_file_is_refused_naming_the_file_and_that_it_is_empty()
    {
        var e = Assert.Throws<TableFormatException>(() => Nb201Table.Read(new StringReader(""), "test.csv"));
        Assert.Contains("test.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_only_file_is_refused_as_partial()
    {
        var e = Refuse(string.Join(',', SmallHeader));
        Assert.Contains("partial", e.Message, StringComparison.Ordinal);
        Assert.Contains("0 of 15,625", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("in16_test_acc")]
    [InlineData("cifar10_valid_acc")]
    [InlineData("arch_str")]
    public void A_header_without_a_required_column_is_refused_naming_that_column(string missing)
    {
        // the nats_* look-alike columns stay: only the exact name counts
        string[] header = ["nats_index", .. Nb201Table.RequiredColumns.Where(c => c != missing), "nats_cifar10_test_acc", "nats_in16_test_acc"];
        var e = Refuse(string.Join(',', header), "0,whatever");
        Assert.StartsWith("test.csv, line 1:", e.Message, StringComparison.Ordinal);
        var lacks = e.Message[..e.Message.IndexOf("a table needs", StringComparison.Ordinal)];
        Assert.Contains(missing, lacks, StringComparison.Ordinal);
        foreach (var present in Nb201Table.RequiredColumns.Where(c => c != missing))
            Assert.DoesNotContain($" {present}", lacks, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_lacking_several_columns_names_all_of_them()
    {
        var e = Refuse("arch_str,cifar10_valid_acc,cifar10_test_acc");
        foreach (var name in new[] { "cifar100_valid_acc", "cifar100_test_acc", "in16_valid_acc", "in16_test_acc" })
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_too_few_fields_is_refused_naming_its_line_and_the_field_counts()
    {
        var truncated = Row(2);
        truncated = truncated[..truncated.LastIndexOf(',')];
        var e = Refuse(string.Join(',', SmallHeader), Row(0), Row(1), truncated, Row(3));
        Assert.StartsWith("test.csv, line 4:", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{SmallHeader.Length - 1} fields", e.Message, StringComparison.Ordinal);
        Assert.Contains($"header has {SmallHeader.Length}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_too_many_fields_is_refused()
    {
        var e = Refuse(string.Join(',', SmallHeader), Row(0) + ",extra");
        Assert.StartsWith("test.csv, line 2:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cifar10_valid_acc", "abc")]
    [InlineData("cifar100_test_acc", "")]
    [InlineData("in16_valid_acc", "NaN")]
    [InlineData("in16_test_acc", "Infinity")]
    [InlineData("cifar10_test_acc", "93.5%")]
    public void A_non_number_accuracy_is_refused_naming_line_column_and_value(string column, string value)
    {
        var e = Refuse(string.Join(',', SmallHeader), Row(0), Row(1), Row(2, new Dictionary<string, string> { [column] = value }));
        Assert.StartsWith("test.csv, line 4:", e.Message, StringComparison.Ordinal);
        Assert.Contains(column, e.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{value}\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("not a number", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cifar10_test_acc", "100.5")]
    [InlineData("cifar100_valid_acc", "-0.1")]
    [InlineData("in16_test_acc", "1e3")]
    public void An_accuracy_outside_0_to_100_is_refused_naming_line_column_and_value(string column, string value)
    {
        var e = Refuse(string.Join(',', SmallHeader), Row(0), Row(1, new Dictionary<string, string> { [column] = value }));
        Assert.StartsWith("test.csv, line 3:", e.Message, StringComparison.Ordinal);
        Assert.Contains(column, e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
        Assert.Contains("percentage", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_accuracy_bounds_0_and_100_themselves_are_accepted()
    {
        // the check runs row by row, so a file whose first rows hold 0 and 100 gets as far as the completeness check
        var e = Refuse(string.Join(',', SmallHeader),
            Row(0, new Dictionary<string, string> { ["cifar10_valid_acc"] = "0" }),
            Row(1, new Dictionary<string, string> { ["cifar10_test_acc"] = "100" }));
        Assert.Contains("partial", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 of 15,625", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|")]
    [InlineData("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|")]
    [InlineData("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|")]
    [InlineData("")]
    public void A_malformed_arch_str_is_refused_naming_the_line_and_the_column(string arch)
    {
        var e = Refuse(string.Join(',', SmallHeader), Row(0), Row(1, new Dictionary<string, string> { ["arch_str"] = arch }));
        Assert.StartsWith("test.csv, line 3:", e.Message, StringComparison.Ordinal);
        Assert.Contains("arch_str is not a NAS-Bench-201 cell", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_row_in_a_small_file_names_both_lines()
    {
        var e = Refuse(string.Join(',', SmallHeader), Row(0), Row(7), Row(1), Row(7));
        Assert.StartsWith("test.csv, line 5:", e.Message, StringComparison.Ordinal);
        Assert.Contains(Nb201Space.Instance.Format(Nb201Table.CellAt(7)), e.Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", e.Message, StringComparison.Ordinal);
        Assert.Contains("first on line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_does_not_exist_is_refused_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actornas-no-such-table-{Guid.NewGuid():N}.csv");
        var e = Assert.Throws<TableFormatException>(() => Nb201TableLoader.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ refusals of the real file, modified

    private static string WriteModifiedRealTable(Func<List<string>, List<string>> change)
    {
        var lines = ShippedTable.Lines.ToList();
        var temp = Path.Combine(Path.GetTempPath(), $"actornas-table-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(temp, change(lines));
        return temp;
    }

    [Fact]
    public void The_real_table_minus_one_row_is_refused_as_partial_naming_the_missing_cell()
    {
        string? removed = null;
        var temp = WriteModifiedRealTable(lines =>
        {
            removed = lines[1_000].Split(',')[1];
            lines.RemoveAt(1_000);
            return lines;
        });
        try
        {
            var e = Assert.Throws<TableFormatException>(() => Nb201TableLoader.Load(temp));
            output.WriteLine(e.Message);
            Assert.StartsWith(temp, e.Message, StringComparison.Ordinal);
            Assert.Contains("partial", e.Message, StringComparison.Ordinal);
            Assert.Contains("15,624 of 15,625", e.Message, StringComparison.Ordinal);
            Assert.Contains("1 missing", e.Message, StringComparison.Ordinal);
            Assert.Contains(removed!, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [Fact]
    public void The_real_table_with_a_duplicated_row_is_refused_naming_both_lines()
    {
        string? duplicated = null;
        var temp = WriteModifiedRealTable(lines =>
        {
            duplicated = lines[5].Split(',')[1];   // line 6
            lines.Insert(10, lines[5]);            // becomes line 11
            return lines;
        });
        try
        {
            var e = Assert.Throws<TableFormatException>(() => Nb201TableLoader.Load(temp));
            output.WriteLine(e.Message);
            Assert.StartsWith($"{temp}, line 11:", e.Message, StringComparison.Ordinal);
            Assert.Contains(duplicated!, e.Message, StringComparison.Ordinal);
            Assert.Contains("appears twice", e.Message, StringComparison.Ordinal);
            Assert.Contains("first on line 6", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [Fact]
    public void The_real_table_with_a_row_replaced_by_a_copy_of_another_is_refused_as_a_duplicate()
    {
        var temp = WriteModifiedRealTable(lines =>
        {
            lines[15_000] = lines[2];   // 15,625 rows still, but one cell twice and one absent
            return lines;
        });
        try
        {
            var e = Assert.Throws<TableFormatException>(() => Nb201TableLoader.Load(temp));
            Assert.StartsWith($"{temp}, line 15001:", e.Message, StringComparison.Ordinal);
            Assert.Contains("first on line 3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    // ------------------------------------------------------------------ datasets

    [Fact]
    public void Dataset_names_parse_case_insensitively_and_an_unknown_name_lists_the_known_ones()
    {
        Assert.Equal(Nb201Dataset.Cifar10, Nb201Datasets.Parse("cifar10"));
        Assert.Equal(Nb201Dataset.Cifar100, Nb201Datasets.Parse(" CIFAR100 "));
        Assert.Equal(Nb201Dataset.ImageNet16, Nb201Datasets.Parse("ImageNet16-120"));
        foreach (var d in Nb201Datasets.All) Assert.Equal(d, Nb201Datasets.Parse(d.Name()));
        var e = Assert.Throws<ArgumentException>(() => Nb201Datasets.Parse("mnist"));
        Assert.Contains("mnist", e.Message, StringComparison.Ordinal);
        Assert.Contains("cifar10, cifar100, imagenet16-120", e.Message, StringComparison.Ordinal);
        Assert.Equal(["arch_str", "cifar10_valid_acc", "cifar10_test_acc", "cifar100_valid_acc", "cifar100_test_acc", "in16_valid_acc", "in16_test_acc"],
            Nb201Table.RequiredColumns);
    }
}
