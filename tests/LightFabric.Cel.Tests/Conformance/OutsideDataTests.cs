using LightFabric.Testing;

namespace LightFabric.Cel.Tests.Conformance;

/// <summary>How a test finds data kept outside the repository, and what it says when the data is not there.</summary>
public sealed class OutsideDataTests : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "lf-outside-" + Guid.NewGuid().ToString("N")[..12]);

    public OutsideDataTests() => Directory.CreateDirectory(Path.Combine(_parent, "repo"));

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public void Absent_shared_data_is_reported_with_the_path_it_was_looked_for_at()
    {
        var location = OutsideData.Locate(Path.Combine(_parent, "repo"), "conformance/cel", "CEL_CONFORMANCE_DIR", null);

        Assert.False(location.Exists);
        var expected = Path.Combine(_parent, "shared", "conformance", "cel");
        Assert.Equal(expected, location.Path);
        Assert.StartsWith($"../shared/conformance/cel not found beside the repository: {expected}", location.MissingReason);
        Assert.Contains("CEL_CONFORMANCE_DIR", location.MissingReason);
    }

    [Fact]
    public void Shared_data_beside_the_repository_is_found()
    {
        Directory.CreateDirectory(Path.Combine(_parent, "shared", "conformance", "cel"));

        var location = OutsideData.Locate(Path.Combine(_parent, "repo"), "conformance/cel", "CEL_CONFORMANCE_DIR", null);

        Assert.True(location.Exists);
        Assert.Equal(Path.Combine(_parent, "shared", "conformance", "cel"), location.Path);
    }

    [Fact]
    public void The_override_variable_wins_and_is_named_when_its_folder_is_absent()
    {
        Directory.CreateDirectory(Path.Combine(_parent, "shared", "conformance", "cel"));

        var location = OutsideData.Locate(Path.Combine(_parent, "repo"), "conformance/cel", "CEL_CONFORMANCE_DIR", "../elsewhere");

        Assert.False(location.Exists);
        Assert.Equal(Path.Combine(_parent, "elsewhere"), location.Path);
        Assert.StartsWith("CEL_CONFORMANCE_DIR=../elsewhere not found: ", location.MissingReason);
    }
}
