using System.Runtime.InteropServices;

namespace LightFabric.Runtime.Hosting;

/// <summary>
/// Undoes a signal disposition the process inherited at exec. <c>nohup</c> (and some supervisors) start a process with
/// SIGHUP ignored, and .NET's <see cref="PosixSignalRegistration"/> then installs no handler at all ("we respect ignored
/// signals"), so the registration never fires. Resetting the disposition to the default first lets the runtime install
/// its handler.
/// </summary>
internal static partial class InheritedSignalDisposition
{
    private const int SigHup = 1;
    private static readonly nint SigDfl = 0;
    private static readonly nint SigIgn = 1;

    /// <summary>
    /// Resets SIGHUP to its default disposition when it is ignored; returns whether it was. Call it just before registering
    /// a handler: between the two a hang-up would end the process, as it would without nohup.
    /// </summary>
    public static bool ResetIgnoredHangup()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }

        // Only the handler field is read: it is the first member of struct sigaction on every libc, and the buffer is
        // larger than any of them.
        var current = new nint[64];
        if (SigAction(SigHup, 0, current) != 0 || current[0] != SigIgn)
        {
            return false;
        }

        return Signal(SigHup, SigDfl) == SigIgn;
    }

    [LibraryImport("libc", EntryPoint = "sigaction")]
    private static partial int SigAction(int signal, nint action, [Out] nint[] previous);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
