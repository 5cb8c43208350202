namespace Llava.Engine.Templating.Values;

/// <summary>
/// A one-shot Python iterator, as returned by <c>map</c>, <c>select</c>, <c>selectattr</c>, <c>unique</c>,
/// <c>items</c> and <c>reverse</c>. Like a Python generator it is always truthy, has no length and is exhausted
/// after one pass; printing it would show a memory address, so that is refused.
/// </summary>
internal sealed class IteratorValue(IEnumerable<Value> source, string typeName = "generator") : Value
{
    private IEnumerator<Value>? _enumerator;

    public override string TypeName => typeName;

    public override string Str() =>
        throw new TemplateException($"cannot render a {typeName} object (its text is a memory address); convert it with |list or |join first");

    public override IEnumerable<Value> Iterate()
    {
        _enumerator ??= source.GetEnumerator();
        while (_enumerator.MoveNext())
            yield return _enumerator.Current;
    }
}
