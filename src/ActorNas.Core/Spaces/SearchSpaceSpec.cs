using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Core.Spaces.SpiderNet;

namespace ActorNas.Core.Spaces;

/// <summary>Which space a search uses and its settings; recorded in SearchStarted so a resume rebuilds the same space.</summary>
public sealed record SearchSpaceSpec(string Name, SequentialSpaceSettings? Sequential = null,
    HierarchicalSpaceSettings? Hierarchical = null, SpiderNetSpaceSettings? SpiderNet = null)
{
    /// <summary>The built-in spaces and those registered with <see cref="SearchSpaces.Register(ISearchSpace)"/>.</summary>
    public static IReadOnlyList<string> Known => SearchSpaces.Known;

    public ISearchSpace Create() => Name switch
    {
        Nb201Space.SpaceName => Nb201Space.Instance,
        SequentialSpace.SpaceName => new SequentialSpace(Sequential),
        HierarchicalSpace.SpaceName => new HierarchicalSpace(Hierarchical),
        SpiderNetSpace.SpaceName => new SpiderNetSpace(SpiderNet),
        _ => SearchSpaces.TryCreateRegistered(Name) ?? throw new ArgumentException(
            $"unknown search space \"{Name}\"; known spaces: {string.Join(", ", Known)}. A space of your own must be registered " +
            $"with SearchSpaces.Register before a search over it starts or resumes"),
    };
}
