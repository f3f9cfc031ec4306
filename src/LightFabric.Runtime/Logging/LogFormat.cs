namespace LightFabric.Runtime.Logging;

/// <summary>Console log format, fixed for the life of the process (LIGHT_LOG_FORMAT).</summary>
public enum LogFormat
{
    Text,
    Json,
}
