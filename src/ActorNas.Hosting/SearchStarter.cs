using ActorNas.Actors.Configuration;
using ActorNas.Actors.Query;
using ActorNas.Actors.Search;
using ActorNas.Core.Evaluation;
using Akka.Actor;

namespace ActorNas.Hosting;

/// <summary>Starts a search in an ActorSystem that has ActorNas's persistence, or resumes it when its log already exists.</summary>
internal static class SearchStarter
{
    public static async Task<SearchSession> StartOrResumeAsync(ActorSystem system, ActorNasSettings settings, string searchId,
        Func<int, IEvaluator> evaluators, CancellationToken cancellationToken)
    {
        var started = await new SearchLog(system).ReadStartAsync(searchId, cancellationToken).ConfigureAwait(false);
        var config = started?.Config ?? settings.Search;
        return SearchSession.Start(system, new SearchSessionOptions(searchId, config, CreateIfMissing: started is null,
            settings, evaluators, $"{Environment.MachineName}:{Environment.ProcessId}"));
    }
}
