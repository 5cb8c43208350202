using System.Text;

namespace LlavaBench.Client;

/// <summary>
/// Reads server-sent events as the SSE specification frames them: <c>data:</c> lines accumulate (joined by
/// newlines) until a blank line dispatches the event; comments and other fields are skipped; an event cut off by
/// the end of the stream is discarded.
/// </summary>
public sealed class SseEventReader(Stream stream)
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event's data, or null when the stream has ended.</summary>
    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        StringBuilder? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null) return data.ToString();
                continue;
            }
            if (line[0] == ':') continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            if (field != "data") continue;
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            if (data is null) data = new StringBuilder(value);
            else data.Append('\n').Append(value);
        }
        return null;
    }
}
