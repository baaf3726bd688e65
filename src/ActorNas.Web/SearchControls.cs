using System.Collections.Concurrent;
using ActorNas.Actors.Protocol;

namespace ActorNas.Web;

/// <summary>Pause, resume and stop of one search that runs in this process, through the search's own protocol.</summary>
public interface ISearchControl
{
    Task<SearchStatus> PauseAsync(string reason, TimeSpan timeout);
    Task<SearchStatus> ResumeAsync(TimeSpan timeout);
    Task<SearchStatus> StopAsync(string reason, TimeSpan timeout);
}

/// <summary>The searches this process runs (run, resume, seed with --web): only these have working buttons.</summary>
public sealed class SearchControls
{
    private readonly ConcurrentDictionary<string, ISearchControl> _bySearch = new(StringComparer.Ordinal);

    public void Add(string searchId, ISearchControl control) => _bySearch[searchId] = control;

    public ISearchControl? Of(string searchId) => _bySearch.GetValueOrDefault(searchId);

    /// <summary>On a cluster node (`seed --web`): the members this node sees, with their roles; null elsewhere.</summary>
    public Func<IReadOnlyList<ClusterMemberView>>? ClusterMembers { get; set; }
}

/// <summary>Adapts the pause, resume and stop calls of a session or a cluster search.</summary>
public sealed class DelegateControl(
    Func<string, TimeSpan, Task<SearchStatus>> pause, Func<TimeSpan, Task<SearchStatus>> resume, Func<string, TimeSpan, Task<SearchStatus>> stop)
    : ISearchControl
{
    public Task<SearchStatus> PauseAsync(string reason, TimeSpan timeout) => pause(reason, timeout);
    public Task<SearchStatus> ResumeAsync(TimeSpan timeout) => resume(timeout);
    public Task<SearchStatus> StopAsync(string reason, TimeSpan timeout) => stop(reason, timeout);
}
