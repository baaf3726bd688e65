using System.Net;
using System.Security.Cryptography;
using System.Text;
using ActorNas.Actors.Query;
using ActorNas.Actors.Runtime;
using ActorNas.Analysis.Output;
using ActorNas.Core.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorNas.Web;

/// <summary>
/// The live page of every search of one log (`actornas serve`), or of the search this process runs (`--web`): a JSON
/// API, a server-sent event stream and the static page, on Kestrel. Each request reads the log on its own, so a log
/// (or a search) that cannot be read answers with its error and the others keep being served.
/// </summary>
public sealed class SearchWebServer : IAsyncDisposable
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly WebApplication _app;
    private readonly SearchLog _log;
    private readonly string _where;
    private readonly WebOptions _options;
    private readonly SearchControls _controls;
    private readonly Downloads _downloads;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<SearchFeed>> _feeds = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How long open pages may go on reading what the log holds when the server stops, before they are cut.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    // every open page asks for its search's summary about once a second: pages asking within this time share one read
    private static readonly TimeSpan SummaryReuse = TimeSpan.FromMilliseconds(500);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime At, SearchView View)> _summaries = new(StringComparer.Ordinal);

    private SearchWebServer(WebApplication app, SearchLog log, string where, WebOptions options, SearchControls controls)
    {
        _app = app;
        _log = log;
        _where = where;
        _options = options;
        _controls = controls;
        _downloads = new Downloads(log, where);
    }

    /// <summary>The address it listens on, e.g. http://127.0.0.1:8080 (the real port when 0 was asked for).</summary>
    public string Address { get; private set; } = "";

    /// <param name="log">The log to read.</param>
    /// <param name="where">The log's place as `status` names it in messages (the --db path).</param>
    /// <param name="controls">The searches this process runs, which the buttons may pause, resume and stop.</param>
    public static async Task<SearchWebServer> StartAsync(SearchLog log, string where, WebOptions options, SearchControls? controls = null,
        CancellationToken cancellationToken = default)
    {
        var address = options.Address();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();   // stdout belongs to the command (its --json line is the last one)
        builder.WebHost.UseKestrel(k => k.Listen(address, options.Port));
        builder.Services.ConfigureHttpJsonOptions(_ => { });
        var app = builder.Build();
        var server = new SearchWebServer(app, log, where, options, controls ?? new SearchControls());
        server.Map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new Actors.Configuration.SettingsException(
                $"cannot listen on {options.Bind}:{options.Port} ({e.Message}); choose another port with --port (or --web PORT)");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        server.Address = bound ?? $"http://{options.Bind}:{options.Port}";
        Log.Info("web page of {0} at {1} ({2})", where, server.Address, options.Token is null ? "read-only" : "controls need the token");
        return server;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/", () => Page("index.html"));
        app.MapGet("/static/{file}", (string file) => Page(file));
        app.MapGet("/search/{id}", async (string id, CancellationToken cancel) =>
            await ExistsAsync(id, cancel).ConfigureAwait(false) ? Page("search.html") : NotFoundPage(id));
        app.MapGet("/api/cluster", () => _controls.ClusterMembers is { } members
            ? Results.Json(new ClusterMembersView(members()), WebJson.Relaxed.ClusterMembersView)
            : Error(StatusCodes.Status404NotFound, "this page is not served by a cluster node (`actornas seed --web` serves one)"));
        app.MapGet("/api/searches", async (CancellationToken cancel) =>
        {
            var ids = await _log.ListSearchIdsAsync(cancel).ConfigureAwait(false);
            return Results.Json(new SearchListView(_where, ids), WebJson.Relaxed.SearchListView);
        });
        app.MapGet("/api/searches/{id}", async (string id, CancellationToken cancel) => await Read(async () =>
        {
            if (_summaries.TryGetValue(id, out var recent) && DateTime.UtcNow - recent.At < SummaryReuse)
                return Results.Json(recent.View, WebJson.Relaxed.SearchView);
            var current = await _log.ReadCurrentAsync(id, cancel).ConfigureAwait(false);
            if (current is null) return Unknown(id);
            var view = SearchView.Of(id, current, Controllable(id), DateTimeOffset.UtcNow);
            _summaries[id] = (DateTime.UtcNow, view);
            return Results.Json(view, WebJson.Relaxed.SearchView);
        }).ConfigureAwait(false));
        app.MapGet("/api/searches/{id}/events", async (string id, HttpContext context) =>
        {
            var cancel = context.RequestAborted;
            var after = EventStream.AfterOf(context.Request);
            long? end = null;   // a running search: where the log ends now, where a shared feed starts
            var result = await Answer(async () =>
            {
                var current = await _log.ReadCurrentAsync(id, cancel).ConfigureAwait(false);
                if (current is null) return Unknown(id);
                // a reconnect after the end: 204 tells the browser to stop reconnecting
                if (current.State.IsCompleted && after >= current.LastSequenceNr) return Results.NoContent();
                if (!current.State.IsCompleted) end = current.LastSequenceNr;
                return null;
            }).ConfigureAwait(false);
            if (result is not null)
            {
                await result.ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            var started = await _log.ReadStartAsync(id, cancel).ConfigureAwait(false);
            var space = started!.Config.Space.Create();
            var feed = end is { } last ? FeedOf(id, Math.Min(after, last), space) : null;
            try
            {
                await EventStream.WriteAsync(context.Response, _log, id, after, space, feed, _stopping.Token, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // the browser went away
            }
        });
        app.MapGet("/api/searches/{id}/candidates.csv", (string id, CancellationToken cancel) =>
            Download(id, _downloads.CandidatesCsvAsync(id, cancel), "text/csv", $"{id}-candidates.csv"));
        app.MapGet("/api/searches/{id}/candidates.parquet", (string id, CancellationToken cancel) =>
            Download(id, _downloads.CandidatesParquetAsync(id, cancel), "application/vnd.apache.parquet", $"{id}-candidates.parquet"));
        app.MapGet("/api/searches/{id}/analysis.zip", (string id, CancellationToken cancel) =>
            Download(id, _downloads.AnalysisZipAsync(id, cancel), "application/zip", $"{id}-analysis.zip"));
        app.MapPost("/api/searches/{id}/{action}", async (string id, string action, HttpRequest request) => await ControlAsync(id, action, request)
            .ConfigureAwait(false));
    }

    /// <summary>The shared feed of a running search, started by its first page (and again if it ended while the search runs on).</summary>
    private SearchFeed FeedOf(string id, long from, Core.Spaces.ISearchSpace space)
    {
        var fresh = new Lazy<SearchFeed>(() => SearchFeed.Start(_log, id, from, space));
        var feed = _feeds.GetOrAdd(id, fresh).Value;
        if (!feed.Ended) return feed;
        var replaced = _feeds.AddOrUpdate(id, fresh, (_, old) => old.Value.Ended ? fresh : old).Value;
        if (!ReferenceEquals(replaced, feed)) feed.Dispose();
        return replaced;
    }

    /// <summary>A file made from the log, sent and then deleted; 404 for an unknown search, the log's error when it cannot be read.</summary>
    private async Task<IResult> Download(string id, Task<FileStream?> making, string type, string name) => await Read(async () =>
        await making.ConfigureAwait(false) is { } file ? Results.Stream(file, type, name) : Unknown(id)).ConfigureAwait(false);

    private bool Controllable(string id) => _options.Token is not null && _controls.Of(id) is not null;

    private async Task<IResult> ControlAsync(string id, string action, HttpRequest request)
    {
        if (action is not ("pause" or "resume" or "stop")) return Results.NotFound(new ErrorView($"no action {action}: pause, resume or stop"));
        if (_options.Token is null)
            return Error(StatusCodes.Status403Forbidden, "this page is read-only: start it with --web-token T to pause, resume or stop");
        if (!TokenMatches(request.Headers[WebOptions.TokenHeader].FirstOrDefault()))
            return Error(StatusCodes.Status401Unauthorized, $"pause, resume and stop need the --web-token, sent as the {WebOptions.TokenHeader} header");
        if (_controls.Of(id) is not { } control)
            return Error(StatusCodes.Status409Conflict,
                $"search {id} does not run in this process; pause or stop it from the `actornas run`, `resume` or `seed` that runs it (with --web)");
        var timeout = TimeSpan.FromSeconds(30);
        Actors.Protocol.SearchStatus status;
        try
        {
            status = action switch
            {
                "pause" => await control.PauseAsync("paused from the web page", timeout).ConfigureAwait(false),
                "resume" => await control.ResumeAsync(timeout).ConfigureAwait(false),
                _ => await control.StopAsync("from the web page", timeout).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // starting, recovering, or the singleton is moving: nothing changed; the page says so and the user tries again
            Log.Warn(e, "search {0}: {1} from the web page failed", id, action);
            return Error(StatusCodes.Status503ServiceUnavailable, $"could not {action} search {id} now ({e.GetType().Name}: {e.Message}); try again");
        }
        Log.Info("search {0}: {1} from the web page", id, action);
        _summaries.TryRemove(id, out _);   // the next summary shows the change
        return Results.Json(new ControlView(action, new SearchStatusView(status.Evaluated, status.Paused, status.IsCompleted, status.CompletionReason)),
            WebJson.Relaxed.ControlView);
    }

    private bool TokenMatches(string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(_options.Token!));

    private async Task<bool> ExistsAsync(string id, CancellationToken cancel)
    {
        try
        {
            return (await _log.ListSearchIdsAsync(cancel).ConfigureAwait(false)).Contains(id, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return true;   // the page loads and shows the API's error for this log
        }
    }

    /// <summary>Runs one read; an unreadable log answers with the same words as `actornas status`, and nothing else is affected.</summary>
    private static async Task<IResult?> Answer(Func<Task<IResult?>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (UnreadableLogException e)
        {
            return Error(StatusCodes.Status500InternalServerError, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Warn(e, "a web request could not read the log");
            return Error(StatusCodes.Status503ServiceUnavailable, $"the log cannot be read now: {e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task<IResult> Read(Func<Task<IResult>> read) => (await Answer(async () => (IResult?)await read().ConfigureAwait(false))
        .ConfigureAwait(false))!;

    private IResult Unknown(string id) => Error(StatusCodes.Status404NotFound, UnknownSearchException.For(id, _where).Message);

    private static IResult Error(int status, string message) => Results.Json(new ErrorView(message), WebJson.Relaxed.ErrorView, statusCode: status);

    private IResult NotFoundPage(string id)
    {
        var message = WebUtility.HtmlEncode(UnknownSearchException.For(id, _where).Message);
        var html = $"<!doctype html><html><head><meta charset=\"utf-8\"><title>no such search</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>" +
                   $"<body><h1>No such search</h1><p id=\"error\">{message}</p><p><a href=\"/\">all searches of this log</a></p></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);
    }

    private static IResult Page(string file)
    {
        var stream = typeof(SearchWebServer).Assembly.GetManifestResourceStream("wwwroot/" + file);
        if (stream is null) return Results.NotFound();
        var type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".png" => "image/png",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }

    /// <summary>
    /// Stops listening, lets open pages read what the log holds (the feeds stay up meanwhile: `run --web` ends with its
    /// search and its pages get every event and the end), cuts them after <see cref="Drain"/>, then closes the feeds.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var drained = new CancellationTokenSource(Drain))
        {
            try
            {
                await _app.StopAsync(drained.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // pages still reading are cut
            }
        }
        foreach (var feed in _feeds.Values) if (feed.IsValueCreated) feed.Value.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
