namespace LightFabric.Testing;

/// <summary>
/// A lock every test process on this machine sees (a file held open without sharing in the temp folder): test
/// assemblies run in parallel, and installers (npm ci, apt-get) must not run twice at once.
/// </summary>
public static class MachineLock
{
    public static FileStream Acquire(string name, TimeSpan timeout)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lightfabric-{name}.lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process holds it; installs take seconds to minutes, so a coarse wait is fine.
                Thread.Sleep(500);
            }
        }
    }
}
