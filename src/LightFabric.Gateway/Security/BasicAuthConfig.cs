namespace LightFabric.Gateway.Security;

/// <summary>basic-auth.yml as written; <see cref="BasicAuthConfigValidator"/> turns its users into the ones the handler checks.</summary>
public sealed record BasicAuthConfig
{
    public bool Enabled { get; init; }

    /// <summary>Accepted for light-4j files; this build has no directory lookup and ignores it.</summary>
    public bool EnableAD { get; init; }

    public bool AllowAnonymous { get; init; }

    public bool AllowBearerToken { get; init; }

    public IReadOnlyList<BasicUserEntry> Users { get; init; } = [];
}

/// <summary>One <c>users</c> entry as written.</summary>
public sealed record BasicUserEntry
{
    public string? Username { get; init; }

    public string? Password { get; init; }

    public IReadOnlyList<string> Paths { get; init; } = [];
}

/// <summary>Checks each user entry; an entry with a problem is reported and left out.</summary>
public static class BasicAuthConfigValidator
{
    public const string Anonymous = "anonymous";

    public static IReadOnlyList<BasicUser> Users(BasicAuthConfig config, Action<string, string> problem)
    {
        var users = new List<BasicUser>();
        for (var i = 0; i < config.Users.Count; i++)
        {
            var entry = config.Users[i];
            if (entry.Username is not { Length: > 0 } name)
            {
                problem($"users[{i}].username", "is required");
            }
            else if (entry.Password is not { Length: > 0 } && name != Anonymous)
            {
                problem($"users[{i}].password", $"is required for user '{name}'");
            }
            else
            {
                users.Add(new BasicUser(name, entry.Password ?? "", entry.Paths));
            }
        }

        return users;
    }
}
