using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ActorNas.Integration.Tests.Web;

/// <summary>
/// Debian's `chromium` in headless mode, driven over its own DevTools protocol (a WebSocket; no driver package): load a
/// page, evaluate JavaScript in it, take a screenshot. A page with a live event stream never goes idle, so waiting is
/// done here by polling what the page shows, not with --virtual-time-budget.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Why no browser can run here, or null.</summary>
    public static string? SkipReason => Executable() is null
        ? "needs Debian's chromium package for the browser test (apt-get install chromium; .ci/run installs it as root)"
        : null;

    public static async Task<HeadlessChromium> OpenAsync(string url, int width = 1280, int height = 1500)
    {
        var profile = Directory.CreateTempSubdirectory("actornas-chromium-").FullName;
        var info = new ProcessStartInfo(Executable()!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions", "--remote-debugging-port=0",
                     $"--user-data-dir={profile}", $"--window-size={width},{height}", "--hide-scrollbars", url,
                 })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start chromium");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync();
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
        return browser;
    }

    private async Task ConnectAsync()
    {
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 1)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited with {_process.ExitCode} before it listened");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("chromium did not open its DevTools port within 60 s");
            await Task.Delay(100);
        }
        var port = File.ReadAllLines(portFile)[0].Trim();
        using var http = new HttpClient();
        string? socketUrl = null;
        while (socketUrl is null)
        {
            var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list")).RootElement;
            socketUrl = targets.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page")
                .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
            if (socketUrl is null)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("chromium opened no page within 60 s");
                await Task.Delay(100);
            }
        }
        await _socket.ConnectAsync(new Uri(socketUrl), CancellationToken.None);
    }

    /// <summary>The value of a JavaScript expression in the page (strings, numbers, booleans; null on an exception).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await CallAsync("Runtime.evaluate", new Dictionary<string, object> { ["expression"] = expression, ["returnByValue"] = true });
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>The text of the element with <paramref name="id"/>, or null while it does not exist.</summary>
    public async Task<string?> TextAsync(string id)
    {
        var value = await EvaluateAsync($"(document.getElementById({JsonSerializer.Serialize(id)}) || {{}}).textContent ?? null");
        return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test with what the page showed last.</summary>
    public async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (condition(value)) return value;
            Assert.True(DateTime.UtcNow < deadline, $"the page did not show {what} within {timeout.TotalSeconds:F0} s; last: {value}");
            await Task.Delay(200);
        }
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await CallAsync("Page.captureScreenshot", new Dictionary<string, object> { ["format"] = "png", ["captureBeyondViewport"] = false });
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    private async Task<JsonElement> CallAsync(string method, Dictionary<string, object> parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = id, ["method"] = method, ["params"] = parameters });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancel.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, cancel.Token);
                text.Write(buffer, 0, received.Count);
            } while (!received.EndOfMessage);
            var reply = JsonDocument.Parse(text.ToArray()).RootElement;
            if (!reply.TryGetProperty("id", out var replyId) || replyId.GetInt32() != id) continue;   // events of the page
            if (reply.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method}: {error}");
            return reply.GetProperty("result").Clone();
        }
    }

    private static string? Executable() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException)
        {
            // the browser went first
        }
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium's helpers may hold a file a moment longer; the folder is in /tmp
        }
    }
}
