namespace LightFabric.Gateway.Cli;

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The configuration is invalid; every problem was printed.</summary>
    public const int InvalidConfig = 1;

    /// <summary>A tool command found a problem it reported (audit verify: a broken chain; a missing file).</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;

    /// <summary>A listener could not be opened (port in use, bad certificate).</summary>
    public const int ListenerFailed = 3;
}
