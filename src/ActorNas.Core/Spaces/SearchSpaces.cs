using System.Collections.Concurrent;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Core.Spaces.SpiderNet;

namespace ActorNas.Core.Spaces;

/// <summary>
/// The search spaces a process knows: the built-in ones and those its program registered. A search records only its
/// space's name (and the built-in spaces' options) in SearchStarted, so a program that runs or resumes a search over
/// its own space registers that space, under the same name, before the search starts.
/// </summary>
public static class SearchSpaces
{
    private static readonly ConcurrentDictionary<string, Func<ISearchSpace>> Registered = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> BuiltIn { get; } = [Nb201Space.SpaceName, SequentialSpace.SpaceName, HierarchicalSpace.SpaceName, SpiderNetSpace.SpaceName];

    /// <summary>Built-in and registered names, sorted.</summary>
    public static IReadOnlyList<string> Known => [.. BuiltIn.Concat(Registered.Keys).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Makes a space known to this process under its <see cref="ISearchSpace.Name"/>. Registering the same name again
    /// replaces the factory (a space must keep reading the genotypes its old logs hold). A built-in name is refused.
    /// </summary>
    public static void Register(ISearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        Register(space.Name, () => space);
    }

    /// <inheritdoc cref="Register(ISearchSpace)"/>
    public static void Register(string name, Func<ISearchSpace> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (BuiltIn.Contains(name))
            throw new ArgumentException($"\"{name}\" is a built-in search space; give your space another name", nameof(name));
        Registered[name] = factory;
    }

    internal static ISearchSpace? TryCreateRegistered(string name)
    {
        if (!Registered.TryGetValue(name, out var factory)) return null;
        var space = factory() ?? throw new InvalidOperationException($"the factory registered for search space \"{name}\" returned null");
        if (space.Name != name)
            throw new InvalidOperationException($"the space registered as \"{name}\" calls itself \"{space.Name}\"; register it under its own name");
        if (space.Length < 1 || Enumerable.Range(0, space.Length).Any(p => space.ChoicesAt(p) < 1))
            throw new InvalidOperationException($"search space \"{name}\" must have at least one position and at least one choice at each");
        return space;
    }
}
