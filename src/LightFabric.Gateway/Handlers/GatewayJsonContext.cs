using System.Text.Json.Serialization;

namespace LightFabric.Gateway.Handlers;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GatewayError.ErrorBody))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
