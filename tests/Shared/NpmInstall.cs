using System.Diagnostics;
using System.Text;

namespace LightFabric.Testing;

/// <summary>
/// Installs a test folder's npm packages (its package.json and package-lock.json) with <c>npm ci</c> the first time a
/// test needs them. One installer per machine: other test processes wait on a lock in the temp folder (npm ci
/// deletes node_modules, so the lock cannot live there), then find the packages installed.
/// </summary>
public static class NpmInstall
{
    public static void EnsureInstalled(string directory, Func<bool> installed)
    {
        if (installed())
        {
            return;
        }

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(directory)), 0, 8);
        var held = MachineLock.Acquire("npm-" + hash, TimeSpan.FromMinutes(10));
        using (held)
        {
            if (installed())
            {
                return;
            }

            var npm = FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
                ?? throw new InvalidOperationException($"npm was not found on PATH; it is needed once to install {directory}");
            var start = new ProcessStartInfo(npm) { WorkingDirectory = directory };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                start.ArgumentList.Add(argument);
            }

            InstallerProcess.Run(start, TimeSpan.FromMinutes(5));
            if (!installed())
            {
                throw new InvalidOperationException($"npm ci in {directory} finished but the packages are still missing");
            }
        }
    }

    /// <summary>The absolute path of a program on PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
