using System.Globalization;
using System.Text;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>
/// NAS-Bench-201 tables for tests: the real one (the table shipped with ActorNas, data/nb201, loaded once per process)
/// and a synthetic complete table with known values, for tests of the loader and the evaluator that need exact values.
/// </summary>
internal static class Nb201Tables
{
    /// <summary>The real table: the one built into ActorNas.Core.</summary>
    public static Nb201Table Real => Nb201Table.Shipped;

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
