using ActorNas.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>Which database failures a search waits for and which end it, from the exceptions the drivers really throw.</summary>
public sealed class StoreFaultTests
{
    [Theory]
    [InlineData(13, StoreFaultKind.DiskFull, false)]
    [InlineData(8, StoreFaultKind.ReadOnly, false)]
    [InlineData(5, StoreFaultKind.Busy, true)]
    [InlineData(26, StoreFaultKind.Corrupt, false)]
    [InlineData(10, StoreFaultKind.Other, false)]
    public void Sqlite_errors(int code, StoreFaultKind kind, bool transient)
    {
        var fault = StoreFault.Classify(new AggregateException(new InvalidOperationException("wrapped", new SqliteException("e", code))));
        Assert.Equal((kind, transient), (fault.Kind, fault.Transient));
    }

    [Theory]
    [InlineData("08006", StoreFaultKind.Unreachable, true)]
    [InlineData("57P01", StoreFaultKind.Unreachable, true)]
    [InlineData("53100", StoreFaultKind.DiskFull, true)]
    [InlineData("25006", StoreFaultKind.ReadOnly, true)]
    [InlineData("28P01", StoreFaultKind.Refused, false)]
    [InlineData("3D000", StoreFaultKind.Refused, false)]
    public void PostgreSql_server_errors(string sqlState, StoreFaultKind kind, bool transient)
    {
        var fault = StoreFault.Classify(new PostgresException("message", "FATAL", "FATAL", sqlState));
        Assert.Equal((kind, transient), (fault.Kind, fault.Transient));
    }

    [Fact]
    public void A_refused_connection_is_an_outage_named_by_the_socket_error()
    {
        var refused = new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused);
        var fault = StoreFault.Classify(new NpgsqlException("Failed to connect", refused));
        Assert.Equal(StoreFaultKind.Unreachable, fault.Kind);
        Assert.True(fault.Transient);
        Assert.Equal(refused.Message, fault.Detail);
    }

    [Fact]
    public void An_event_that_cannot_be_read_is_not_a_database_fault()
    {
        Assert.Null(StoreFault.TryClassify(new System.Text.Json.JsonException("bad payload")));
        Assert.True(StoreFault.Classify(new InvalidOperationException("?")).Transient);   // unknown: bounded by the grace
    }
}
