using System.Diagnostics;
using System.Globalization;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// The descendants of a stdio child, remembered before shutdown. Many MCP servers exit when stdin closes without
/// stopping their own children, which are then re-parented and out of reach of a process-tree kill; the gateway
/// kills whatever of the remembered tree is still running afterwards. Linux only (read from /proc); elsewhere the
/// SDK's tree kill is all there is.
/// </summary>
internal sealed class ProcessTree
{
    private readonly List<(int Pid, string StartTime)> _members;

    private ProcessTree(List<(int Pid, string StartTime)> members) => _members = members;

    public IReadOnlyList<int> Pids => _members.Select(m => m.Pid).ToList();

    public static ProcessTree Snapshot(int? root)
    {
        if (root is not int rootPid || !OperatingSystem.IsLinux())
        {
            return new ProcessTree([]);
        }

        var parents = new Dictionary<int, List<(int Pid, string StartTime)>>();
        var rootStart = "";
        foreach (var dir in SafeEnumerate())
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || ReadStat(pid) is not { } stat)
            {
                continue;
            }

            if (pid == rootPid)
            {
                rootStart = stat.StartTime;
            }

            if (!parents.TryGetValue(stat.Parent, out var children))
            {
                parents[stat.Parent] = children = [];
            }

            children.Add((pid, stat.StartTime));
        }

        var members = new List<(int Pid, string StartTime)> { (rootPid, rootStart) };
        for (var i = 0; i < members.Count; i++)
        {
            if (parents.TryGetValue(members[i].Pid, out var children))
            {
                members.AddRange(children.Where(c => !members.Any(m => m.Pid == c.Pid)));
            }
        }

        return new ProcessTree(members);
    }

    /// <summary>Kills every remembered process that still runs (same pid and start time, so a reused pid is left alone).</summary>
    public void KillSurvivors()
    {
        foreach (var (pid, startTime) in _members)
        {
            if (ReadStat(pid) is not { } stat || stat.StartTime != startTime || stat.State == 'Z')
            {
                continue;
            }

            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile, or not ours to kill.
            }
        }
    }

    private static IEnumerable<string> SafeEnumerate()
    {
        try
        {
            return Directory.EnumerateDirectories("/proc").ToList();
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>/proc/pid/stat: "pid (comm) state ppid ... starttime(22)"; comm may contain spaces and parentheses.</summary>
    private static (char State, int Parent, string StartTime)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture), fields[19]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
