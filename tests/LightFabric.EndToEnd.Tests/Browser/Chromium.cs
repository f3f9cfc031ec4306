namespace LightFabric.EndToEnd.Tests.Browser;

/// <summary>
/// Debian's chromium, the browser the browser tests drive (Playwright cannot download its own build here). Installed
/// with apt-get the first time a test needs it when the machine allows (root); otherwise the test says what to do.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly Lazy<string> Installed =
        new(() => LightFabric.Testing.DebianPackages.EnsureInstalled("chromium", ExecutablePath), LazyThreadSafetyMode.ExecutionAndPublication);

    public static string EnsureInstalled() => Installed.Value;
}
