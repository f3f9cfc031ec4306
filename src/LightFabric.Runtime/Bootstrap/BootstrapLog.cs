using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Bootstrap;

/// <summary>The one line that says where the configuration came from; a warning when config-server failed.</summary>
internal static class BootstrapLog
{
    public static void Write(ILogger logger, RuntimeConfiguration configuration)
    {
        switch (configuration.Source)
        {
            case BootstrapSource.Local:
                logger.LogInformation("Configuration from local files (no configServerUri in startup.yml)");
                break;
            case BootstrapSource.ConfigServer:
                logger.LogInformation("Configuration from config-server {Uri}", configuration.SourceDetail);
                break;
            case BootstrapSource.Cache:
                logger.LogWarning("Configuration from config-cache because config-server failed: {Detail}", configuration.SourceDetail);
                break;
            case BootstrapSource.LocalFallback:
                logger.LogWarning("Configuration from local files only because config-server failed and no cache exists: {Detail}", configuration.SourceDetail);
                break;
        }
    }
}
