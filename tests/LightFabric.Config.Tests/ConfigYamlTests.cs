using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Config.Tests;

public class ConfigYamlTests
{
    [Theory]
    [InlineData("v: true", "true")]
    [InlineData("v: False", "false")]
    [InlineData("v: null", "null")]
    [InlineData("v: ~", "null")]
    [InlineData("v:", "null")]
    [InlineData("v: 42", "42")]
    [InlineData("v: -7", "-7")]
    [InlineData("v: 0x1F", "31")]
    [InlineData("v: 0o17", "15")]
    [InlineData("v: 1.0", "1.0")]
    [InlineData("v: 6.02e23", "6.02e23")]
    [InlineData("v: .5", "0.5")]
    [InlineData("v: '42'", "\"42\"")]
    [InlineData("v: \"true\"", "\"true\"")]
    [InlineData("v: !!str 42", "\"42\"")]
    [InlineData("v: 0123", "\"0123\"")]
    [InlineData("v: yes", "\"yes\"")]
    [InlineData("v: 1.2.3", "\"1.2.3\"")]
    [InlineData("v: [a, 1, true]", "[\"a\",1,true]")]
    [InlineData("v: {\"a\": 1}", "{\"a\":1}")]
    [InlineData("v: |\n  line1\n  line2\nw: 1", "\"line1\\nline2\\n\"")]
    public void Scalars_follow_the_core_schema(string yaml, string expectedJson)
    {
        var node = ConfigYaml.Parse(yaml, "t.yml")!;

        Assert.Equal(expectedJson, node["v"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Json_text_is_accepted()
    {
        var node = ConfigYaml.Parse("{\"a\": [1, {\"b\": null}], \"c\": \"d\"}", "x.json");

        Assert.Equal("{\"a\":[1,{\"b\":null}],\"c\":\"d\"}", node!.ToJsonString());
    }

    [Fact]
    public void Empty_document_is_null()
    {
        Assert.Null(ConfigYaml.Parse("", "empty.yml"));
        Assert.Null(ConfigYaml.Parse("# only a comment\n", "empty.yml"));
    }

    [Fact]
    public void Syntax_error_reports_file_line_and_column()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigYaml.Parse("a: 1\nb:\n  c: 2\n d: 3\n", "handler.yml"));

        var problem = Assert.Single(ex.Problems);
        Assert.Equal("handler.yml", problem.File);
        Assert.Equal(4, problem.Line);
        Assert.Contains("column", problem.Message);
        Assert.StartsWith("handler.yml: invalid YAML", ex.Message);
    }

    [Fact]
    public void Duplicate_keys_are_reported_with_their_line()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigYaml.Parse("a: 1\nb: 2\na: 3\n", "dup.yml"));

        Assert.Equal(3, ex.Problems[0].Line);
        Assert.Contains("duplicate", ex.Problems[0].Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Anchors_and_aliases_are_expanded()
    {
        var node = ConfigYaml.Parse("base: &b {x: 1}\ncopy: *b", "a.yml")!;

        Assert.Equal("{\"x\":1}", node["copy"]!.ToJsonString());
    }

    [Fact]
    public void Writer_output_reads_back_to_the_same_tree()
    {
        var tree = ConfigYaml.Parse(
            "a: 1\nb: [x, {y: 'true', z: [1, 2]}, [nested]]\nc: {}\nd: []\ne: ''\nf: null\ng: \"two words: yes\"\n'h.i': -1.5\nj: \"quote \\\" and \\\\ slash\"\nk: \"\\u00e9t\\u00e9\"",
            "t.yml");

        var written = ConfigYaml.Write(tree);
        var again = ConfigYaml.Parse(written, "written.yml");

        Assert.Equal(tree!.ToJsonString(), again!.ToJsonString());
    }

    [Fact]
    public void Writer_handles_scalar_roots()
    {
        Assert.Equal("null", ConfigYaml.Parse(ConfigYaml.Write(null), "x")?.ToJsonString() ?? "null");
        Assert.Equal("\"0123\"", ConfigYaml.Parse(ConfigYaml.Write(JsonValue.Create("0123")), "x")!.ToJsonString());
    }
}
