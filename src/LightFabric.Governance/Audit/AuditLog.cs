using Microsoft.Extensions.Logging;

namespace LightFabric.Governance.Audit;

internal static partial class AuditLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "The audit file {File} ended in a torn line ({Bytes} bytes, from a write cut short); it was moved to {TornFile} and the chain continues from the last whole record")]
    public static partial void TornLine(ILogger logger, string file, int bytes, string tornFile);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Audit file rotated to {File}")]
    public static partial void Rotated(ILogger logger, string file);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "The audit queue is full; {Dropped} records dropped so far (raise the capacity, or use strict durability to wait instead)")]
    public static partial void Dropped(ILogger logger, long dropped);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error,
        Message = "Audit records could not be written ({Pending} pending); retrying in {RetryMs} ms")]
    public static partial void SinkFailed(ILogger logger, Exception exception, int pending, double retryMs);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Audit sinks recovered; {Pending} pending records written")]
    public static partial void SinkRecovered(ILogger logger, int pending);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error,
        Message = "The audit writer stopped with {Lost} records it could not write")]
    public static partial void Lost(ILogger logger, Exception? exception, int lost);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Error, Message = "The audit record {Id} cannot be serialized and was dropped")]
    public static partial void Rejected(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning,
        Message = "The audit database {Database} lacked the last records of {File} (a stop between the two writes); {Count} records of that file were inserted again, those already stored skipped")]
    public static partial void CaughtUp(ILogger logger, string database, int count, string file);
}
