using System.Globalization;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Tabular;

/// <summary>Validation and test accuracy (percent) of one cell on one dataset.</summary>
public readonly record struct TableEntry(double ValidAccuracy, double TestAccuracy);

/// <summary>
/// The NAS-Bench-201 table: every one of the 15,625 cells with its validation and test accuracy on CIFAR-10,
/// CIFAR-100 and ImageNet16-120. Format (docs/tabular.md): CSV with a header line; the columns <c>arch_str</c>
/// (the standard cell string) and <c>{cifar10,cifar100,in16}_{valid,test}_acc</c> (percent) are required, others
/// are ignored. A table that is malformed or partial is refused: a search over it would silently skip cells.
/// Reading files and the copy shipped with ActorNas is ActorNas.Actors' Nb201TableLoader: Core does no I/O.
/// </summary>
public sealed class Nb201Table
{
    public const int CellCount = 15_625;
    public const string ArchitectureColumn = "arch_str";

    private readonly TableEntry[,] _entries;   // [cell index, dataset]

    private Nb201Table(string source, TableEntry[,] entries)
    {
        Source = source;
        _entries = entries;
    }

    public string Source { get; }

    public static IReadOnlyList<string> RequiredColumns { get; } =
        [ArchitectureColumn, .. Nb201Datasets.All.SelectMany(d => new[] { ValidColumn(d), TestColumn(d) })];

    public static string ValidColumn(Nb201Dataset dataset) => $"{dataset.ColumnPrefix()}_valid_acc";
    public static string TestColumn(Nb201Dataset dataset) => $"{dataset.ColumnPrefix()}_test_acc";

    public TableEntry Lookup(Genotype genotype, Nb201Dataset dataset) => _entries[IndexOf(genotype), (int)dataset];

    /// <summary>The cell's position in 0..15,624: its ops read as a base-5 number, first edge most significant.</summary>
    public static int IndexOf(Genotype genotype)
    {
        Nb201Space.Instance.Validate(genotype);
        var index = 0;
        for (var i = 0; i < genotype.Length; i++) index = index * Nb201Space.Operations.Count + genotype[i];
        return index;
    }

    public static Genotype CellAt(int index)
    {
        var values = new int[6];
        for (var i = values.Length - 1; i >= 0; i--)
        {
            values[i] = index % Nb201Space.Operations.Count;
            index /= Nb201Space.Operations.Count;
        }
        return new Genotype(values);
    }

    /// <summary>Parses a table from CSV text that the caller opened; <paramref name="source"/> names it in every refusal.</summary>
    public static Nb201Table Read(TextReader reader, string source)
    {
        var header = reader.ReadLine() ?? throw Bad(source, 1, "the file is empty; expected a header line naming the columns");
        var names = SplitFields(header);
        var columns = new int[RequiredColumns.Count];
        var missing = new List<string>();
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = Array.IndexOf(names, RequiredColumns[i]);
            if (columns[i] < 0) missing.Add(RequiredColumns[i]);
        }
        if (missing.Count > 0)
            throw Bad(source, 1, $"the header lacks the column(s) {string.Join(", ", missing)}; a table needs {string.Join(", ", RequiredColumns)}");

        var entries = new TableEntry[CellCount, Nb201Datasets.All.Count];
        var lineOf = new int[CellCount];
        var lineNumber = 1;
        var rows = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = SplitFields(line);
            if (fields.Length != names.Length)
                throw Bad(source, lineNumber, $"{fields.Length} fields, but the header has {names.Length} (a truncated or malformed line)");

            var arch = fields[columns[0]];
            Genotype cell;
            try
            {
                cell = Nb201Space.Instance.Parse(arch);
            }
            catch (GenotypeFormatException e)
            {
                throw Bad(source, lineNumber, $"{ArchitectureColumn} is not a NAS-Bench-201 cell: {e.Message}");
            }
            var index = IndexOf(cell);
            if (lineOf[index] != 0)
                throw Bad(source, lineNumber, $"{arch} appears twice (first on line {lineOf[index]}); each cell must appear once");
            lineOf[index] = lineNumber;
            rows++;

            foreach (var dataset in Nb201Datasets.All)
            {
                var valid = Percent(fields, names, columns[1 + 2 * (int)dataset], source, lineNumber);
                var test = Percent(fields, names, columns[2 + 2 * (int)dataset], source, lineNumber);
                entries[index, (int)dataset] = new TableEntry(valid, test);
            }
        }

        if (rows < CellCount)
        {
            var absent = Enumerable.Range(0, CellCount).Where(i => lineOf[i] == 0).ToList();
            throw new TableFormatException(string.Create(CultureInfo.InvariantCulture, $"{source}: the table is partial: {rows:N0} of {CellCount:N0} cells; ") +
                string.Create(CultureInfo.InvariantCulture, $"{absent.Count:N0} missing, e.g. {Nb201Space.Instance.Format(CellAt(absent[0]))}. A search needs every cell; ") +
                "use the complete NAS-Bench-201 export (docs/tabular.md)");
        }
        return new Nb201Table(source, entries);
    }

    private static double Percent(string[] fields, string[] names, int column, string source, int line)
    {
        var text = fields[column];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw Bad(source, line, $"{names[column]} = \"{text}\" is not a number");
        if (value is < 0 or > 100)
            throw Bad(source, line, $"{names[column]} = {text} is not a percentage between 0 and 100");
        return value;
    }

    private static string[] SplitFields(string line) =>
        line.Split(',').Select(f => f.Trim().Trim('"')).ToArray();

    private static TableFormatException Bad(string source, int line, string problem) =>
        new($"{source}, line {line}: {problem}");
}
