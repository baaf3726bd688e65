using System.Net;
using ActorNas.Actors.Configuration;

namespace ActorNas.Web;

/// <summary>Where the page listens and the token that unlocks its pause, resume and stop buttons.</summary>
/// <param name="Port">TCP port (0: any free port, see <see cref="SearchWebServer.Address"/>).</param>
/// <param name="Bind">The address to listen on: 127.0.0.1 by default; anything outside loopback needs a token.</param>
/// <param name="Token">Sent by the page as the <see cref="TokenHeader"/> header to pause, resume or stop; null: read-only.</param>
public sealed record WebOptions(int Port = WebOptions.DefaultPort, string Bind = WebOptions.DefaultBind, string? Token = null)
{
    public const int DefaultPort = 8080;
    public const string DefaultBind = "127.0.0.1";
    public const string TokenHeader = "X-ActorNas-Token";

    /// <summary>Read when no --web-token is given, so that a token need not show in the process list.</summary>
    public const string TokenVariable = "ACTORNAS_WEB_TOKEN";

    /// <summary>The address to listen on, checked: a bad address, a bad port, or a non-loopback address without a token is refused.</summary>
    public IPAddress Address()
    {
        if (Port is < 0 or > 65535) throw new SettingsException($"--port {Port}: a TCP port is 1 to 65535 (0: any free port)");
        var address = Bind switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "0.0.0.0" => IPAddress.Any,
            "::" => IPAddress.IPv6Any,
            _ when IPAddress.TryParse(Bind, out var parsed) => parsed,
            _ => throw new SettingsException($"--bind {Bind}: not an IP address; use 127.0.0.1 (this machine only) or an address of this machine"),
        };
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(Token))
            throw new SettingsException($"--bind {Bind} opens the page to other machines: give it a token with --web-token T " +
                $"(or {TokenVariable}), or keep the default 127.0.0.1 and reach it through an SSH tunnel or a reverse proxy (docs/web.md)");
        return address;
    }

    /// <summary>The token of the flag, else of the environment; blank means none.</summary>
    public static string? TokenOf(string? flag) =>
        !string.IsNullOrEmpty(flag) ? flag : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } env ? env : null;
}
