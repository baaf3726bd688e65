using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>`actornas list` on a real SQLite journal: every search once, sorted, whatever their lengths.</summary>
public sealed class SearchListTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    [Fact]
    public async Task Every_search_is_listed_once_in_order()
    {
        string[] ids = ["b", "a", "a-2", "long", "Z", "a_1", "a.b"];
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            await SearchLogWriter.WriteAsync(Sys, id, RandomSearchLogs.Generate((ulong)i + 100));

        Assert.Equal(ids.Order(StringComparer.Ordinal), await new SearchLog(Sys).ListSearchIdsAsync());
        Assert.Equal(ids.Select(PersistenceConfig.PersistenceId).Order(StringComparer.Ordinal),
            (await new JournalRows(new Configuration.PersistenceSettings(Configuration.PersistenceProvider.Sqlite, DbPath, "", 0)).PersistenceIdsAsync())
            .Order(StringComparer.Ordinal));
    }
}
