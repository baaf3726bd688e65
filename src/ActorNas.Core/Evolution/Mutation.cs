using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

/// <summary>One position changed from one value to another.</summary>
public sealed record Mutation(int Position, int From, int To);

/// <summary>How mutation positions are chosen.</summary>
/// <param name="LaterBias">0 = uniform. Otherwise position i is drawn with weight (i + 1)^LaterBias, so later
/// positions change more often and the parent's transferable prefix tends to be longer.</param>
public sealed record PositionWeighting(double LaterBias = 0)
{
    public static PositionWeighting Uniform { get; } = new();

    public void Validate()
    {
        if (double.IsNaN(LaterBias) || double.IsInfinity(LaterBias) || LaterBias < 0)
            throw new ArgumentException($"mutation later-bias must be a finite number >= 0, got {LaterBias}");
    }
}

/// <summary>
/// Applies one mutation: a position with more than one choice gets a different valid value, drawn uniformly, or among
/// the current value's neighbours where the space defines them (<see cref="ISearchSpace.NeighbourValues"/>).
/// </summary>
public static class Mutator
{
    public static (Genotype Child, Mutation Mutation) Mutate(
        ISearchSpace space, Genotype parent, DeterministicRandom random, PositionWeighting? weighting = null)
    {
        weighting ??= PositionWeighting.Uniform;
        var position = DrawPosition(space, random, weighting);
        var from = parent[position];
        int to;
        if (space.NeighbourValues(position, from) is { } neighbours)
        {
            if (neighbours.Count == 0)
                throw new InvalidOperationException($"space {space.Name} offers no neighbour of value {from} at position {position}");
            to = neighbours[random.NextInt(neighbours.Count)];
        }
        else
        {
            // draw among the other n-1 values, skipping the current one
            to = random.NextInt(space.ChoicesAt(position) - 1);
            if (to >= from) to++;
        }
        return (parent.With(position, to), new Mutation(position, from, to));
    }

    private static int DrawPosition(ISearchSpace space, DeterministicRandom random, PositionWeighting weighting)
    {
        var weights = new double[space.Length];
        var total = 0.0;
        for (var i = 0; i < space.Length; i++)
        {
            if (space.ChoicesAt(i) < 2) continue;
            weights[i] = weighting.LaterBias == 0 ? 1.0 : Math.Pow(i + 1, weighting.LaterBias);
            total += weights[i];
        }
        if (total <= 0) throw new InvalidOperationException($"space {space.Name} has no position with two or more choices");
        var x = random.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0) continue;
            x -= weights[i];
            if (x < 0) return i;
        }
        return Array.FindLastIndex(weights, w => w > 0);
    }

    /// <summary>A uniformly random genotype of the space.</summary>
    public static Genotype RandomGenotype(ISearchSpace space, DeterministicRandom random)
    {
        var values = new int[space.Length];
        for (var i = 0; i < values.Length; i++) values[i] = random.NextInt(space.ChoicesAt(i));
        return new Genotype(values);
    }
}
