namespace LightFabric.Config.ConfigServer;

/// <summary>
/// Writes downloaded files into config-cache atomically (temp file + rename), so a crash mid-write never
/// leaves a half-written file for the next start to read.
/// </summary>
public sealed class ConfigCacheWriter(string cacheDirectory)
{
    public string CacheDirectory { get; } = Path.GetFullPath(cacheDirectory);

    public string Write(string relativeName, ReadOnlySpan<byte> content)
    {
        var target = ResolveInside(relativeName);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return target;
    }

    public string Write(string relativeName, string content) =>
        Write(relativeName, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Names from config-server are relative paths; anything that would escape the cache is refused.</summary>
    private string ResolveInside(string relativeName)
    {
        if (string.IsNullOrWhiteSpace(relativeName)
            || Path.IsPathRooted(relativeName)
            || relativeName.Contains('\\')
            || relativeName.Contains('\0')
            || relativeName.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ConfigServerException(
                $"config-server sent a file named '{relativeName}'; names must be relative paths inside config-cache without '..'");
        }

        var full = Path.GetFullPath(Path.Combine(CacheDirectory, relativeName));
        if (!full.StartsWith(CacheDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ConfigServerException($"config-server file '{relativeName}' would be written outside config-cache");
        }

        return full;
    }
}
