using System.Globalization;
using System.Text;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;

namespace ActorNas.Tests.Shared;

/// <summary>
/// NAS-Bench-201 tables for tests: the real one (the repository's data/nb201 file, parsed once per process) and a
/// synthetic complete table with known values, for tests of the loader and the evaluator that need exact values.
/// </summary>
/// <remarks>Compiled into the test projects that need it, with ShippedTable.cs and RepositoryRoot.cs.</remarks>
internal static class Nb201Tables
{
    private static readonly Lazy<Nb201Table> LazyReal = new(() =>
        Nb201Table.Read(new StringReader(string.Join('\n', ShippedTable.Lines)), ShippedTable.GzPath));

    /// <summary>
    /// The real table, parsed by Core from the repository's file (Core.Tests has no loader: that is ActorNas.Actors'
    /// Nb201TableLoader, whose embedded copy Nb201TableLoaderTests compares with this file).
    /// </summary>
    public static Nb201Table Real => LazyReal.Value;

    /// <summary>Validation accuracy of cell <paramref name="index"/> on <paramref name="dataset"/> in the synthetic table.</summary>
    public static double SyntheticValid(int index, Nb201Dataset dataset) => ((index * 37L + 1_013L * (int)dataset) % 9_000) / 100.0;

    /// <summary>Test accuracy of cell <paramref name="index"/> on <paramref name="dataset"/> in the synthetic table.</summary>
    public static double SyntheticTest(int index, Nb201Dataset dataset) => SyntheticValid(index, dataset) + 1.25 + 2 * (int)dataset;

    /// <summary>
    /// A complete synthetic table as CSV text: the required columns in a scrambled order, extra columns that look
    /// like required ones (nats_*), rows in a scrambled order, CRLF line ends, quoted architecture strings.
    /// </summary>
    public static string SyntheticCsv()
    {
        string[] header =
        [
            "nats_index", "in16_test_acc", "nats_cifar10_test_acc", "cifar100_valid_acc", Nb201Table.ArchitectureColumn,
            "cifar10_test_acc", "in16_valid_acc", "nats_in16_test_acc", "cifar10_valid_acc", "cifar100_test_acc",
        ];
        var sb = new StringBuilder();
        sb.Append(string.Join(',', header)).Append("\r\n");
        for (var k = 0; k < Nb201Table.CellCount; k++)
        {
            var i = (int)(k * 7_919L % Nb201Table.CellCount);   // 7919 is prime to 5^6: a permutation of the rows
            string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{k},")
              .Append(F(SyntheticTest(i, Nb201Dataset.ImageNet16))).Append(',')
              .Append("99.5,")
              .Append(F(SyntheticValid(i, Nb201Dataset.Cifar100))).Append(',')
              .Append('"').Append(Nb201Space.Instance.Format(Nb201Table.CellAt(i))).Append("\",")
              .Append(F(SyntheticTest(i, Nb201Dataset.Cifar10))).Append(',')
              .Append(F(SyntheticValid(i, Nb201Dataset.ImageNet16))).Append(',')
              .Append("0.5,")
              .Append(F(SyntheticValid(i, Nb201Dataset.Cifar10))).Append(',')
              .Append(F(SyntheticTest(i, Nb201Dataset.Cifar100))).Append("\r\n");
        }
        return sb.ToString();
    }

    private static readonly Lazy<Nb201Table> LazySynthetic = new(() => Nb201Table.Read(new StringReader(SyntheticCsv()), "synthetic.csv"));

    /// <summary>The synthetic table, parsed once.</summary>
    public static Nb201Table Synthetic => LazySynthetic.Value;
}
