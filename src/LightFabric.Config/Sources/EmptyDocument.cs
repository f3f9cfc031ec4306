namespace LightFabric.Config;

/// <summary>A configuration text with nothing in it: no bytes, only whitespace, comments or document markers.</summary>
internal static class EmptyDocument
{
    public const string Message = "file is empty; delete it to use the defaults or set enabled: false";

    public static bool IsEmpty(string content)
    {
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#') || line is "---" or "...")
            {
                continue;
            }

            return false;
        }

        return true;
    }
}
