using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace LightFabric.Runtime.Hosting;

/// <summary>
/// The host lifetime in place of the console one: SIGTERM (what load balancers, systemd and orchestrators send) stops
/// after the pre-stop delay; SIGINT (Ctrl-C) and SIGQUIT stop at once, and so does a second signal during the delay.
/// </summary>
internal sealed class StopSignals(Action terminate, Action interrupt) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Handle(context, terminate)));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Handle(context, interrupt)));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context => Handle(context, interrupt)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _registrations.Clear();
    }

    private static void Handle(PosixSignalContext context, Action stop)
    {
        // The runtime stops the process itself, after draining.
        context.Cancel = true;
        stop();
    }
}
