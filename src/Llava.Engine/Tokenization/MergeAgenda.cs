namespace Llava.Engine.Tokenization;

/// <summary>A candidate merge of two adjacent symbols into a vocabulary piece.</summary>
internal readonly record struct MergeCandidate(int Left, int Right, int Length, float Score);

/// <summary>
/// Binary max-heap of merge candidates ordered as SentencePiece orders its agenda: best score first, and
/// among equal scores the leftmost pair. Hand-rolled so the comparison inlines in the hot merge loop.
/// </summary>
internal sealed class MergeAgenda(int capacity)
{
    private MergeCandidate[] _items = new MergeCandidate[Math.Max(capacity, 4)];
    private int _count;

    public void Push(MergeCandidate candidate)
    {
        if (_count == _items.Length)
            Array.Resize(ref _items, _items.Length * 2);
        var index = _count++;
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!ComesBefore(candidate, _items[parent]))
                break;
            _items[index] = _items[parent];
            index = parent;
        }
        _items[index] = candidate;
    }

    public bool TryPop(out MergeCandidate top)
    {
        if (_count == 0)
        {
            top = default;
            return false;
        }
        top = _items[0];
        var last = _items[--_count];
        var index = 0;
        while (true)
        {
            var child = 2 * index + 1;
            if (child >= _count)
                break;
            if (child + 1 < _count && ComesBefore(_items[child + 1], _items[child]))
                child++;
            if (!ComesBefore(_items[child], last))
                break;
            _items[index] = _items[child];
            index = child;
        }
        _items[index] = last;
        return true;
    }

    private static bool ComesBefore(in MergeCandidate a, in MergeCandidate b) =>
        a.Score > b.Score || (a.Score == b.Score && a.Left < b.Left);
}
