using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Consecutive <c>&lt;0xNN&gt;</c> byte tokens awaiting decoding. Mirrors the Hugging Face ByteFallback
/// decoder: a run that is valid UTF-8 becomes its text; otherwise every byte of the run becomes one U+FFFD
/// (not only the invalid ones), which is why a run cannot be emitted before it has ended.
/// </summary>
internal sealed class Utf8ByteRun
{
    private readonly List<byte> _bytes = [];

    public bool IsEmpty => _bytes.Count == 0;

    public void Add(byte value) => _bytes.Add(value);

    /// <summary>Appends the decoded run to <paramref name="output"/> and empties the run.</summary>
    public void DrainTo(StringBuilder output)
    {
        if (_bytes.Count == 0)
            return;
        var bytes = CollectionsMarshal.AsSpan(_bytes);
        if (Utf8.IsValid(bytes))
            output.Append(Encoding.UTF8.GetString(bytes));
        else
            output.Append('\uFFFD', bytes.Length);
        _bytes.Clear();
    }
}
