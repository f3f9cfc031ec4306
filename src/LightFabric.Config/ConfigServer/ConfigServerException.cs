namespace LightFabric.Config.ConfigServer;

/// <summary>config-server could not be reached or answered something unusable.</summary>
public sealed class ConfigServerException(string message, Exception? inner = null) : Exception(message, inner);
