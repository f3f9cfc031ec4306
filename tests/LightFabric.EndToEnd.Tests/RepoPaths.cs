namespace LightFabric.EndToEnd.Tests;

internal static class RepoPaths
{
    /// <summary>The repository root: the folder holding LightFabric.sln above the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    public static string Quickstart => Path.Combine(Root, "quickstart");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LightFabric.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("LightFabric.sln not found above " + AppContext.BaseDirectory);
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
