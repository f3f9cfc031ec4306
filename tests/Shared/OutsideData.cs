namespace LightFabric.Testing;

/// <summary>
/// Test data kept outside the repository: <c>../shared/&lt;relative&gt;</c> beside the clone, or the directory an
/// environment variable names. A clone without it skips the tests that read it (with the reason); under
/// <c>CI=true</c> those tests run and fail, so a CI machine that lost the data cannot pass by skipping.
/// </summary>
public static class OutsideData
{
    /// <summary>True when the environment says this is a CI run (<c>CI=true</c>).</summary>
    public static bool RequiredByCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where the data is expected for this test run (the override variable wins when set).</summary>
    public static OutsideDataLocation Locate(string relative, string overrideVariable) =>
        Locate(RepositoryRoot(), relative, overrideVariable, Environment.GetEnvironmentVariable(overrideVariable));

    public static OutsideDataLocation Locate(string repositoryRoot, string relative, string overrideVariable, string? overrideValue)
    {
        var shared = Path.Combine("..", "shared", relative);
        if (!string.IsNullOrWhiteSpace(overrideValue))
        {
            var path = Path.GetFullPath(Path.IsPathRooted(overrideValue) ? overrideValue : Path.Combine(repositoryRoot, overrideValue));
            return new OutsideDataLocation(path, Directory.Exists(path),
                $"{overrideVariable}={overrideValue} not found: {path}");
        }

        var full = Path.GetFullPath(Path.Combine(repositoryRoot, shared));
        return new OutsideDataLocation(full, Directory.Exists(full),
            $"{shared.Replace('\\', '/')} not found beside the repository: {full} (put shared/ beside the clone or set {overrideVariable})");
    }

    /// <summary>The data's directory; fails the test with the reason when it is absent.</summary>
    public static string Require(string relative, string overrideVariable)
    {
        var location = Locate(relative, overrideVariable);
        Assert.True(location.Exists, location.MissingReason + (RequiredByCi ? " (CI=true: outside test data is required)" : ""));
        return location.Path;
    }

    /// <summary>The folder holding LightFabric.sln above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LightFabric.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("LightFabric.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed record OutsideDataLocation(string Path, bool Exists, string MissingReason);

/// <summary>
/// A fact over outside data (see <see cref="OutsideData"/>): reported as skipped, with the reason, when the data is
/// absent, unless <c>CI=true</c>, where it runs and fails. The test body calls <see cref="OutsideData.Require"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OutsideDataFactAttribute : FactAttribute
{
    public OutsideDataFactAttribute(string relative, string overrideVariable)
    {
        var location = OutsideData.Locate(relative, overrideVariable);
        if (!location.Exists && !OutsideData.RequiredByCi)
        {
            Skip = location.MissingReason;
        }
    }
}
