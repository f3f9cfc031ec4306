using System.Buffers;

namespace LightFabric.Governance.Audit;

/// <summary>The lines of a JSONL file as bytes, each with whether a newline ended it (a torn last line has none).</summary>
internal static class JsonlLines
{
    public readonly record struct Line(long Number, ReadOnlyMemory<byte> Bytes, bool Terminated);

    public static IEnumerable<Line> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        var buffer = new byte[64 * 1024];
        var pending = new ArrayBufferWriter<byte>();
        long number = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var chunk = buffer.AsMemory(0, read);
            int newline;
            while ((newline = chunk.Span.IndexOf((byte)'\n')) >= 0)
            {
                number++;
                if (pending.WrittenCount == 0)
                {
                    // Copied: the caller may keep the line after the buffer is refilled.
                    yield return new Line(number, chunk[..newline].ToArray(), true);
                }
                else
                {
                    pending.Write(chunk.Span[..newline]);
                    yield return new Line(number, pending.WrittenMemory.ToArray(), true);
                    pending.Clear();
                }

                chunk = chunk[(newline + 1)..];
            }

            pending.Write(chunk.Span);
        }

        if (pending.WrittenCount > 0)
        {
            yield return new Line(number + 1, pending.WrittenMemory.ToArray(), false);
        }
    }
}
