using System.Diagnostics;
using System.Text;

namespace LightFabric.Testing;

/// <summary>Runs an installer (npm ci, apt-get) to its end; a failure or a hang throws with everything it printed.</summary>
public static class InstallerProcess
{
    public static void Run(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var what = $"{Path.GetFileName(start.FileName)} {string.Join(' ', start.ArgumentList)}"
            + (start.WorkingDirectory.Length > 0 ? $" in {start.WorkingDirectory}" : "");
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} took longer than {timeout.TotalMinutes:0} minutes:\n{output}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with exit code {process.ExitCode}:\n{output}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
