namespace LightFabric.Runtime.Hosting;

/// <summary>A configured listener could not be opened (port in use, no permission, bad certificate).</summary>
public sealed class ListenerBindException(string message, Exception? inner = null) : Exception(message, inner);
