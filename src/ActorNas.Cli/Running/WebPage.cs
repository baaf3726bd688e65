using ActorNas.Actors.Query;
using ActorNas.Web;

namespace ActorNas.Cli.Running;

/// <summary>--web of run, resume and seed: the live page of the search this process runs, beside it.</summary>
internal static class WebPage
{
    /// <summary>Starts the page when <paramref name="options"/> is set (null: nothing to dispose); says where it is on stderr.</summary>
    public static async Task<SearchWebServer?> StartAsync(WebOptions? options, SearchLog log, string where, string searchId, ISearchControl control,
        CancellationToken cancel, Func<IReadOnlyList<ClusterMemberView>>? clusterMembers = null)
    {
        if (options is null) return null;
        var controls = new SearchControls();
        controls.Add(searchId, control);
        controls.ClusterMembers = clusterMembers;
        var server = await SearchWebServer.StartAsync(log, where, options, controls, cancel).ConfigureAwait(false);
        await Console.Error.WriteLineAsync($"live page: {server.Address}/search/{Uri.EscapeDataString(searchId)}" +
            (options.Token is null ? " (read-only: --web-token enables pause, resume and stop)" : "")).ConfigureAwait(false);
        return server;
    }
}
