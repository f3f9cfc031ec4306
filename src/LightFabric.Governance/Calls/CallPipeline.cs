namespace LightFabric.Governance.Calls;

/// <summary>
/// The ordered policies of governed calls and what records them. For each call: every step decides in order (a refusal
/// in control mode stops the call, one in observe mode is recorded as would-deny and the call goes on); the upstream is
/// called; the steps that let the call in leave in reverse order whatever happened (a budget settles); every recorder
/// gets the call, denied or not. The same pipeline serves MCP requests and HTTP routes.
/// </summary>
public sealed class CallPipeline
{
    private readonly ICallStep[] _steps;
    private readonly ICallRecorder[] _recorders;

    public CallPipeline(IEnumerable<ICallStep> steps, IEnumerable<ICallRecorder> recorders, TimeProvider? time = null)
    {
        _steps = [.. steps];
        _recorders = [.. recorders];
        Time = time ?? TimeProvider.System;
    }

    public static CallPipeline Empty { get; } = new([], []);

    public TimeProvider Time { get; }

    public IReadOnlyList<ICallStep> Steps => _steps;

    public bool IsEmpty => _steps.Length == 0 && _recorders.Length == 0;

    /// <summary>This pipeline with <paramref name="first"/> before its steps (the router's own policies come first).</summary>
    public CallPipeline WithFirst(IReadOnlyList<ICallStep> first) =>
        first.Count == 0 ? this : new CallPipeline(first.Concat(_steps), _recorders, Time);

    /// <summary>Gives the recorders a call a chain handler refused before the pipeline ran (an HTTP access-control refusal).</summary>
    public async ValueTask RecordAsync(CallContext call)
    {
        foreach (var recorder in _recorders)
        {
            await recorder.RecordAsync(call, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one call through the policies and <paramref name="invoke"/>.</summary>
    /// <param name="outcomeOf">How the upstream's answer ended (a tool error result, an HTTP 5xx).</param>
    /// <param name="failureOf">How a failure of <paramref name="invoke"/> ended (upstream error, timeout, cancelled).</param>
    /// <exception cref="CallDeniedException">A step refused the call in control mode; it is recorded.</exception>
    public async ValueTask<T> RunAsync<T>(CallContext call, Func<CallContext, CancellationToken, ValueTask<T>> invoke,
        Func<T, CallOutcome> outcomeOf, Func<Exception, CallOutcome> failureOf, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        var entered = 0;
        try
        {
            for (; entered < _steps.Length; entered++)
            {
                var decision = await _steps[entered].EnterAsync(call, cancellationToken).ConfigureAwait(false);
                if (!decision.Allowed && decision.Mode == EnforcementMode.Observe)
                {
                    decision = decision.Observed();
                }

                call.Record(decision);
                if (!decision.Allowed)
                {
                    call.Outcome = CallOutcome.Denied;
                    call.UpstreamReceived = false;
                    throw new CallDeniedException(decision);
                }
            }

            var result = await invoke(call, cancellationToken).ConfigureAwait(false);
            call.Outcome = outcomeOf(result);
            return result;
        }
        catch (Exception ex) when (ex is not CallDeniedException)
        {
            call.Outcome = failureOf(ex);
            throw;
        }
        finally
        {
            // Settling and recording must happen even when the caller went away: they use no caller token.
            for (var i = entered - 1; i >= 0; i--)
            {
                await _steps[i].LeaveAsync(call, CancellationToken.None).ConfigureAwait(false);
            }

            call.Elapsed = Time.GetElapsedTime(started);
            foreach (var recorder in _recorders)
            {
                await recorder.RecordAsync(call, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
