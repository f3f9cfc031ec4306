using System.Collections.Concurrent;

namespace LightFabric.Testing;

/// <summary>
/// The lines a child process writes to one stream. Waiting for a line is woken by each new line, not by a clock, so
/// a test sees output the moment it arrives and never sleeps.
/// </summary>
public sealed class CapturedLines
{
    private readonly ConcurrentQueue<string> _lines = new();
    private TaskCompletionSource _added = NewSignal();

    public IEnumerable<string> Lines => _lines;

    public string Text => string.Join("\n", _lines);

    /// <summary>Completes when the next line arrives; take it before looking at <see cref="Lines"/> so none is missed.</summary>
    public Task NextLine => Volatile.Read(ref _added).Task;

    public void Add(string line)
    {
        _lines.Enqueue(line);
        Interlocked.Exchange(ref _added, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
