namespace ActorNas.Core.Spaces;

/// <summary>Which space a search uses and its settings; recorded in SearchStarted so a resume rebuilds the same space.</summary>
public sealed record SearchSpaceSpec(string Name, SequentialSpaceOptions? Sequential = null)
{
    public static readonly IReadOnlyList<string> Known = [Nb201Space.SpaceName, SequentialSpace.SpaceName];

    public ISearchSpace Create() => Name switch
    {
        Nb201Space.SpaceName => Nb201Space.Instance,
        SequentialSpace.SpaceName => new SequentialSpace(Sequential),
        _ => throw new ArgumentException($"unknown search space \"{Name}\"; known spaces: {string.Join(", ", Known)}"),
    };
}
