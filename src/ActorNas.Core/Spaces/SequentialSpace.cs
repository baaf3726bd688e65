using System.Globalization;
using System.Text;

namespace ActorNas.Core.Spaces;

/// <summary>Settings of the sequential (CANDLE-like) space, read from <c>actornas.spaces.sequential</c>.</summary>
public sealed record SequentialSpaceSettings
{
    /// <summary>Number of variable layers; each has an operation position and a skip position.</summary>
    public int Layers { get; init; } = 10;
    public IReadOnlyList<int> Units { get; init; } = [16, 32, 48, 64, 80, 96];
    public IReadOnlyList<string> Activations { get; init; } = ["relu", "tanh", "sigmoid"];

    /// <summary>How many earlier anchors a skip connection may reach back to.</summary>
    public const int MaxSkipReach = 3;

    public bool Equals(SequentialSpaceSettings? other) =>
        other is not null && Layers == other.Layers
        && Units.SequenceEqual(other.Units) && Activations.SequenceEqual(other.Activations);

    public override int GetHashCode() => HashCode.Combine(Layers, Units.Count, Activations.Count);

    public void Validate()
    {
        if (Layers < 1) throw new ArgumentException($"sequential space: layers must be >= 1, got {Layers}");
        if (Units.Count == 0 || Units.Any(u => u < 1))
            throw new ArgumentException("sequential space: units must be a non-empty list of positive integers");
        if (Activations.Count == 0 || Activations.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("sequential space: activations must be a non-empty list of names");
        if (Units.Distinct().Count() != Units.Count || Activations.Distinct().Count() != Activations.Count)
            throw new ArgumentException("sequential space: units and activations must not repeat");
        if (Activations.Any(a => a.Contains(':') || a.Contains('|') || a.Contains('/')))
            throw new ArgumentException("sequential space: activation names may not contain ':', '|' or '/'");
    }
}

/// <summary>
/// A stack of variable layers, each an operation node (identity, or dense with a width and an activation)
/// followed by a skip node (zero, or add one of the up to 3 most recent anchors: the input and earlier layer outputs).
/// Position 2i is layer i's operation, position 2i+1 its skip. String form, layers separated by '|':
/// <c>dense:64:relu/zero|identity/skip:1|...</c> where skip:k connects the anchor k steps back (1 = the layer's input).
/// </summary>
public sealed class SequentialSpace : ISearchSpace
{
    public const string SpaceName = "sequential";
    private readonly SequentialSpaceSettings _options;

    public SequentialSpace(SequentialSpaceSettings? options = null)
    {
        _options = options ?? new SequentialSpaceSettings();
        _options.Validate();
    }

    public SequentialSpaceSettings Settings => _options;
    public string Name => SpaceName;
    public int Length => 2 * _options.Layers;

    /// <summary>Identity plus every (units, activation) pair.</summary>
    public int OperationChoices => 1 + _options.Units.Count * _options.Activations.Count;

    public int ChoicesAt(int position) =>
        position % 2 == 0 ? OperationChoices : 1 + SkipReach(position / 2);

    /// <summary>Anchors layer i can reach: the input and the outputs of earlier layers, at most 3.</summary>
    public static int SkipReach(int layer) => Math.Min(SequentialSpaceSettings.MaxSkipReach, layer + 1);

    /// <summary>A change at a position invalidates that layer and everything after it.</summary>
    public int TransferablePrefixLength(int changedPosition) => changedPosition - changedPosition % 2;

    /// <summary>Decodes an operation value: null for identity, else (units, activation).</summary>
    public (int Units, string Activation)? Operation(int value)
    {
        if (value == 0) return null;
        var k = value - 1;
        return (_options.Units[k / _options.Activations.Count], _options.Activations[k % _options.Activations.Count]);
    }

    public string Format(Genotype genotype)
    {
        this.Validate(genotype);
        var sb = new StringBuilder();
        for (var layer = 0; layer < _options.Layers; layer++)
        {
            if (layer > 0) sb.Append('|');
            var op = Operation(genotype[2 * layer]);
            sb.Append(op is null ? "identity" : string.Create(CultureInfo.InvariantCulture, $"dense:{op.Value.Units}:{op.Value.Activation}"));
            var skip = genotype[2 * layer + 1];
            sb.Append('/').Append(skip == 0 ? "zero" : string.Create(CultureInfo.InvariantCulture, $"skip:{skip}"));
        }
        return sb.ToString();
    }

    public Genotype Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var layers = text.Split('|');
        if (layers.Length != _options.Layers)
            throw Error(text, $"expected {_options.Layers} layers separated by '|', found {layers.Length}");
        var values = new int[Length];
        for (var layer = 0; layer < layers.Length; layer++)
        {
            var parts = layers[layer].Split('/');
            if (parts.Length != 2)
                throw Error(text, $"layer {layer} \"{layers[layer]}\" must be <operation>/<skip>");
            values[2 * layer] = ParseOperation(text, layer, parts[0]);
            values[2 * layer + 1] = ParseSkip(text, layer, parts[1]);
        }
        return new Genotype(values);
    }

    private int ParseOperation(string text, int layer, string op)
    {
        if (op == "identity") return 0;
        var bits = op.Split(':');
        if (bits.Length != 3 || bits[0] != "dense")
            throw Error(text, $"layer {layer} operation \"{op}\" must be identity or dense:<units>:<activation>");
        var unitIndex = int.TryParse(bits[1], NumberStyles.None, CultureInfo.InvariantCulture, out var units)
            ? IndexOf(_options.Units, units) : -1;
        if (unitIndex < 0)
            throw Error(text, $"layer {layer} width \"{bits[1]}\" is not one of {string.Join(", ", _options.Units)}");
        var activationIndex = IndexOf(_options.Activations, bits[2]);
        if (activationIndex < 0)
            throw Error(text, $"layer {layer} activation \"{bits[2]}\" is not one of {string.Join(", ", _options.Activations)}");
        return 1 + unitIndex * _options.Activations.Count + activationIndex;
    }

    private static int ParseSkip(string text, int layer, string skip)
    {
        if (skip == "zero") return 0;
        var reach = SkipReach(layer);
        if (skip.StartsWith("skip:", StringComparison.Ordinal)
            && int.TryParse(skip.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1 && k <= reach)
            return k;
        throw Error(text, $"layer {layer} skip \"{skip}\" must be zero or skip:<k> with k in 1..{reach}");
    }

    private static int IndexOf<T>(IReadOnlyList<T> list, T item)
    {
        for (var i = 0; i < list.Count; i++)
            if (EqualityComparer<T>.Default.Equals(list[i], item)) return i;
        return -1;
    }

    private static GenotypeFormatException Error(string text, string problem) =>
        new($"not a sequential-space genotype: {problem}. Input: \"{text}\"");
}
