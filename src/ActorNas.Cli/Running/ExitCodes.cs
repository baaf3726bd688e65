namespace ActorNas.Cli.Running;

/// <summary>Exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The search ended without reaching its budget (failure limit) or could not run.</summary>
    public const int SearchFailed = 1;
    /// <summary>Bad input: unknown option value, bad HOCON, bad genotype, unknown search.</summary>
    public const int BadInput = 2;
    /// <summary>The database cannot be used: not a database, locked, unreadable.</summary>
    public const int StoreError = 3;
    /// <summary>Stopped by Ctrl+C or SIGTERM; everything recorded is kept and `resume` continues.</summary>
    public const int Interrupted = 130;
}
