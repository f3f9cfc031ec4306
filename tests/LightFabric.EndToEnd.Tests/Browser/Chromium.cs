using System.Diagnostics;
using System.Text;

namespace LightFabric.EndToEnd.Tests.Browser;

/// <summary>
/// Debian's chromium, the browser the browser tests drive (Playwright cannot download its own build here). Installed
/// with apt-get the first time a test needs it when the machine allows (root); otherwise the test says what to do.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly Lazy<string> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string EnsureInstalled() => Installed.Value;

    private static string Install()
    {
        if (File.Exists(ExecutablePath))
        {
            return ExecutablePath;
        }

        var aptGet = LightFabric.Testing.NpmInstall.FindOnPath("apt-get");
        if (aptGet is null || Environment.UserName != "root")
        {
            throw new InvalidOperationException($"{ExecutablePath} not found: install Debian's chromium (apt-get install chromium) to run the browser tests");
        }

        Run(aptGet, "update", "-q");
        Run(aptGet, "install", "-y", "-q", "chromium");
        return File.Exists(ExecutablePath)
            ? ExecutablePath
            : throw new InvalidOperationException($"apt-get install chromium finished but {ExecutablePath} is still missing");
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} took longer than 10 minutes:\n{output}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output}");
        }
    }
}
