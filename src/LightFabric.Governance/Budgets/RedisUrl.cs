using StackExchange.Redis;

namespace LightFabric.Governance.Budgets;

/// <summary><c>redis://[user:password@]host[:port][/db]</c> (or <c>rediss://</c> for TLS) as the Redis client's options.</summary>
public static class RedisUrl
{
    public static ConfigurationOptions Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
        {
            throw new FormatException($"'{url}' is not a Redis URL; use redis://host:port (rediss:// for TLS), e.g. redis://127.0.0.1:6379");
        }

        var options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var parts = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
            if (parts.Length == 2)
            {
                options.User = parts[0].Length > 0 ? parts[0] : null;
                options.Password = parts[1];
            }
            else
            {
                options.Password = parts[0];
            }
        }

        var database = uri.AbsolutePath.Trim('/');
        if (database.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(database, out var db) && db >= 0
                ? db
                : throw new FormatException($"'{url}': the path must be a database number, e.g. redis://127.0.0.1:6379/0");
        }

        return options;
    }
}
