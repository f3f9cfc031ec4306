using System.Diagnostics;

namespace LightFabric.Testing;

/// <summary>
/// Debian packages the tests need (chromium, redis-server), installed with apt-get the first time a test needs one
/// when the machine allows it (root). One installer at a time per machine: apt holds a lock, and test assemblies run
/// in parallel, so installers wait on a file lock of their own first.
/// </summary>
public static class DebianPackages
{
    /// <summary>The path of <paramref name="executable"/>, installing <paramref name="package"/> first when it is missing.</summary>
    public static string EnsureInstalled(string package, string executable)
    {
        if (File.Exists(executable))
        {
            return executable;
        }

        var aptGet = NpmInstall.FindOnPath("apt-get");
        if (aptGet is null || Environment.UserName != "root")
        {
            throw new InvalidOperationException($"{executable} not found: install Debian's {package} (apt-get install {package}) to run these tests");
        }

        using var held = MachineLock.Acquire("apt", TimeSpan.FromMinutes(15));
        if (File.Exists(executable))
        {
            return executable;
        }

        Run(aptGet, "-o", "DPkg::Lock::Timeout=600", "update", "-q");
        Run(aptGet, "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", package);
        return File.Exists(executable)
            ? executable
            : throw new InvalidOperationException($"apt-get install {package} finished but {executable} is still missing");
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        InstallerProcess.Run(start, TimeSpan.FromMinutes(10));
    }
}
