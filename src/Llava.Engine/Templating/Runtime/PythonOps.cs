using System.Numerics;
using Llava.Engine.Templating.Builtins;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>Python operator semantics on template values: equality, ordering, arithmetic, membership, iteration.</summary>
internal static class PythonOps
{
    public static bool IsNumber(Value v) => v is IntValue or FloatValue or BoolValue;

    /// <summary>int-like value (int or bool) as a long.</summary>
    public static bool TryGetInteger(Value v, out long value)
    {
        switch (v)
        {
            case IntValue i:
                value = i.Value;
                return true;
            case BoolValue b:
                value = b.Value ? 1 : 0;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>A subscript index: Python accepts ints and bools (which are ints).</summary>
    public static bool TryGetIndex(Value key, out long index) => TryGetInteger(key, out index);

    public static double ToDouble(Value v) => v switch
    {
        FloatValue f => f.Value,
        _ when TryGetInteger(v, out var i) => i,
        _ => throw new TemplateException($"must be real number, not {v.TypeName}"),
    };

    public static TemplateException TypeError(string message) => new(message);

    private static void ThrowIfUndefined(Value a, Value b)
    {
        if (a is UndefinedValue ua)
            throw ua.Error();
        if (b is UndefinedValue ub)
            throw ub.Error();
    }

    public static bool AreEqual(Value a, Value b)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (IsNumber(a) && IsNumber(b))
            return CompareNumbers(a, b) == 0;
        return (a, b) switch
        {
            (StringValue x, StringValue y) => string.Equals(x.Text, y.Text, StringComparison.Ordinal),
            (NoneValue, NoneValue) or (UndefinedValue, UndefinedValue) => true,
            (ListValue x, ListValue y) => SequenceEqual(x, y),
            (DictValue x, DictValue y) => x.Entries.Count == y.Entries.Count
                && x.Entries.All(e => y.TryGet(e.Key) is { } other && AreEqual(e.Value, other)),
            (RangeValue x, RangeValue y) => x.Iterate().SequenceEqual(y.Iterate(), KeyComparer.Instance),
            _ => false,
        };
    }

    private static bool SequenceEqual(ListValue x, ListValue y)
    {
        if (x.Kind != y.Kind || x.IsView)
            return false;
        if (x.Items.Count != y.Items.Count)
            return false;
        for (var i = 0; i < x.Items.Count; i++)
        {
            if (!AreEqual(x.Items[i], y.Items[i]))
                return false;
        }
        return true;
    }

    /// <summary>Result of comparing with NaN: every ordering and equality test is false.</summary>
    private const int Unordered = 2;

    /// <summary>Exact comparison of int/float/bool values, as Python compares mixed numbers.</summary>
    private static int CompareNumbers(Value a, Value b)
    {
        if (TryGetInteger(a, out var ia) && TryGetInteger(b, out var ib))
            return ia.CompareTo(ib);
        var da = ToDouble(a);
        var db = ToDouble(b);
        if (double.IsNaN(da) || double.IsNaN(db))
            return Unordered;
        if (TryGetInteger(a, out ia) && !double.IsInfinity(db) && db == Math.Floor(db))
            return new BigInteger(ia).CompareTo(new BigInteger(db));
        if (TryGetInteger(b, out ib) && !double.IsInfinity(da) && da == Math.Floor(da))
            return new BigInteger(da).CompareTo(new BigInteger(ib));
        return da.CompareTo(db);
    }

    /// <summary>
    /// Python ordering for <c>&lt;</c> and sorting (-1, 0, 1, or <see cref="Unordered"/> when NaN is involved);
    /// mixed incomparable types raise TypeError.
    /// </summary>
    public static int Compare(Value a, Value b, string op = "<")
    {
        ThrowIfUndefined(a, b);
        if (IsNumber(a) && IsNumber(b))
            return CompareNumbers(a, b);
        switch (a, b)
        {
            case (StringValue x, StringValue y):
                return Math.Sign(PythonText.CompareCodePoints(x.Text, y.Text));
            case (ListValue x, ListValue y) when x.Kind == y.Kind && !x.IsView:
                for (var i = 0; i < Math.Min(x.Items.Count, y.Items.Count); i++)
                {
                    if (!AreEqual(x.Items[i], y.Items[i]))
                        return Compare(x.Items[i], y.Items[i], op);
                }
                return x.Items.Count.CompareTo(y.Items.Count);
            default:
                throw TypeError($"'{op}' not supported between instances of '{a.TypeName}' and '{b.TypeName}'");
        }
    }

    /// <summary>Evaluates one comparison operator; NaN makes every ordering false as in Python.</summary>
    public static bool Compare(Value a, Value b, Syntax.CompareOperator op)
    {
        switch (op)
        {
            case Syntax.CompareOperator.Equal:
                return AreEqual(a, b);
            case Syntax.CompareOperator.NotEqual:
                return !AreEqual(a, b);
            case Syntax.CompareOperator.In:
                return Contains(b, a);
            case Syntax.CompareOperator.NotIn:
                return !Contains(b, a);
        }
        var symbol = op switch
        {
            Syntax.CompareOperator.Less => "<",
            Syntax.CompareOperator.LessOrEqual => "<=",
            Syntax.CompareOperator.Greater => ">",
            _ => ">=",
        };
        var c = Compare(a, b, symbol);
        if (c == Unordered)
            return false;
        return op switch
        {
            Syntax.CompareOperator.Less => c < 0,
            Syntax.CompareOperator.LessOrEqual => c <= 0,
            Syntax.CompareOperator.Greater => c > 0,
            _ => c >= 0,
        };
    }

    /// <summary>Python's <c>item in container</c>.</summary>
    public static bool Contains(Value container, Value item)
    {
        switch (container)
        {
            case StringValue s:
                if (item is UndefinedValue u)
                    throw u.Error();
                if (item is not StringValue needle)
                    throw TypeError($"'in <string>' requires string as left operand, not {item.TypeName}");
                return s.Text.Contains(needle.Text, StringComparison.Ordinal);
            case DictValue d:
                KeyComparer.EnsureHashable(item);
                return d.TryGet(item) is not null;
            case UndefinedValue:
                return false;
            default:
                var items = container.Iterate()
                    ?? throw TypeError($"argument of type '{container.TypeName}' is not iterable");
                return items.Any(x => AreEqual(x, item));
        }
    }

    /// <summary>Python's <c>iter(x)</c>, raising TypeError for non-iterables.</summary>
    public static IEnumerable<Value> Iterate(Value value) =>
        value.Iterate() ?? throw TypeError($"'{value.TypeName}' object is not iterable");

    /// <summary>Python's <c>len(x)</c>.</summary>
    public static int Len(Value value) =>
        value.Length ?? throw TypeError($"object of type '{value.TypeName}' has no len()");

    public static Value Add(Value a, Value b)
    {
        ThrowIfUndefined(a, b);
        if (IsNumber(a) && IsNumber(b))
            return Arithmetic(a, b, "+", (x, y) => checked(x + y), (x, y) => x + y);
        return (a, b) switch
        {
            (StringValue x, StringValue y) when x.IsMarkup || y.IsMarkup => new StringValue(Markup.Escape(x).Text + Markup.Escape(y).Text, true),
            (StringValue x, StringValue y) => new StringValue(x.Text + y.Text),
            (ListValue x, ListValue y) when x.Kind == y.Kind && !x.IsView => new ListValue([.. x.Items, .. y.Items], x.Kind),
            _ => throw UnsupportedOperands("+", a, b),
        };
    }

    public static Value Subtract(Value a, Value b)
    {
        ThrowIfUndefined(a, b);
        return IsNumber(a) && IsNumber(b)
            ? Arithmetic(a, b, "-", (x, y) => checked(x - y), (x, y) => x - y)
            : throw UnsupportedOperands("-", a, b);
    }

    public static Value Multiply(Value a, Value b)
    {
        ThrowIfUndefined(a, b);
        if (IsNumber(a) && IsNumber(b))
            return Arithmetic(a, b, "*", (x, y) => checked(x * y), (x, y) => x * y);
        if (TryGetInteger(b, out var n) && a is StringValue or ListValue)
            return Repeat(a, n);
        if (TryGetInteger(a, out n) && b is StringValue or ListValue)
            return Repeat(b, n);
        throw UnsupportedOperands("*", a, b);
    }

    private static Value Repeat(Value sequence, long count)
    {
        count = Math.Max(0, count);
        return sequence switch
        {
            StringValue s => new StringValue(string.Concat(Enumerable.Repeat(s.Text, CheckedSize(count, s.Text.Length))), s.IsMarkup),
            ListValue { IsView: false } l => new ListValue(Enumerable.Repeat(l.Items, CheckedSize(count, l.Items.Count)).SelectMany(x => x).ToList(), l.Kind),
            _ => throw UnsupportedOperands("*", sequence, new IntValue(count)),
        };
    }

    /// <summary>Largest string or list a template may build by repetition or padding (Python would run out of memory).</summary>
    public const long MaxBuiltSize = 100_000_000;

    /// <summary><paramref name="count"/> copies of something of <paramref name="unitSize"/>, as an int, or a clear error.</summary>
    public static int CheckedSize(long count, long unitSize = 1)
    {
        count = Math.Max(0, count);
        if (unitSize > 0 && count > MaxBuiltSize / unitSize)
            throw new TemplateException($"result would exceed {MaxBuiltSize} items; refusing to build it");
        return (int)count;
    }

    public static Value Divide(Value a, Value b)
    {
        ThrowIfUndefined(a, b);
        if (!IsNumber(a) || !IsNumber(b))
            throw UnsupportedOperands("/", a, b);
        var divisor = ToDouble(b);
        if (divisor == 0)
            throw new TemplateException(a is FloatValue || b is FloatValue ? "float division by zero" : "division by zero");
        return new FloatValue(ToDouble(a) / divisor);
    }

    public static Value FloorDivide(Value a, Value b)
    {
        ThrowIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y))
        {
            if (y == 0)
                throw new TemplateException("integer division or modulo by zero");
            var q = checked(x / y);
            return new IntValue((x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q);
        }
        if (!IsNumber(a) || !IsNumber(b))
            throw UnsupportedOperands("//", a, b);
        return new FloatValue(FloatDivMod(ToDouble(a), ToDouble(b), "float floor division by zero").Quotient);
    }

    public static Value Modulo(Value a, Value b)
    {
        ThrowIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y))
        {
            if (y == 0)
                throw new TemplateException("integer division or modulo by zero");
            var r = y == -1 ? 0 : x % y;
            return new IntValue(r != 0 && ((r < 0) != (y < 0)) ? r + y : r);
        }
        if (a is StringValue)
            throw new TemplateException("printf-style string formatting ('...' % args) is not supported by this template engine");
        if (!IsNumber(a) || !IsNumber(b))
            throw UnsupportedOperands("%", a, b);
        return new FloatValue(FloatDivMod(ToDouble(a), ToDouble(b), "float modulo").Remainder);
    }

    /// <summary>CPython's <c>float_divmod</c>: floor quotient and a remainder with the divisor's sign.</summary>
    private static (double Quotient, double Remainder) FloatDivMod(double vx, double wx, string zeroMessage)
    {
        if (wx == 0)
            throw new TemplateException(zeroMessage);
        var mod = vx % wx;
        var div = (vx - mod) / wx;
        if (mod != 0)
        {
            if ((wx < 0) != (mod < 0))
            {
                mod += wx;
                div -= 1.0;
            }
        }
        else
        {
            mod = Math.CopySign(0.0, wx);
        }
        double floorDiv;
        if (div != 0)
        {
            floorDiv = Math.Floor(div);
            if (div - floorDiv > 0.5)
                floorDiv += 1.0;
        }
        else
        {
            floorDiv = Math.CopySign(0.0, vx / wx);
        }
        return (floorDiv, mod);
    }

    public static Value Power(Value a, Value b)
    {
        ThrowIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y))
        {
            if (y >= 0)
                return new IntValue(IntegerPower(x, y));
            if (x == 0)
                throw new TemplateException("0.0 cannot be raised to a negative power");
            return new FloatValue(Math.Pow(x, y));
        }
        if (!IsNumber(a) || !IsNumber(b))
            throw UnsupportedOperands("** or pow()", a, b);
        var (da, db) = (ToDouble(a), ToDouble(b));
        if (da == 0 && db < 0)
            throw new TemplateException("0.0 cannot be raised to a negative power");
        if (da < 0 && db != Math.Floor(db) && !double.IsInfinity(db))
            throw new TemplateException("a negative number raised to a fractional power is complex; not supported");
        return new FloatValue(Math.Pow(da, db));
    }

    private static long IntegerPower(long x, long y)
    {
        try
        {
            var result = 1L;
            var b = x;
            for (var e = y; e > 0; e >>= 1)
            {
                if ((e & 1) == 1)
                    result = checked(result * b);
                if (e > 1)
                    b = checked(b * b);
            }
            return result;
        }
        catch (OverflowException)
        {
            throw IntegerOverflow();
        }
    }

    public static Value Negate(Value a)
    {
        if (a is UndefinedValue u)
            throw u.Error();
        if (TryGetInteger(a, out var i))
            return i == long.MinValue ? throw IntegerOverflow() : new IntValue(-i);
        if (a is FloatValue f)
            return new FloatValue(-f.Value);
        throw TypeError($"bad operand type for unary -: '{a.TypeName}'");
    }

    public static Value Plus(Value a)
    {
        if (a is UndefinedValue u)
            throw u.Error();
        if (TryGetInteger(a, out var i))
            return new IntValue(i);
        if (a is FloatValue)
            return a;
        throw TypeError($"bad operand type for unary +: '{a.TypeName}'");
    }

    private static Value Arithmetic(Value a, Value b, string op, Func<long, long, long> onIntegers, Func<double, double, double> onFloats)
    {
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y))
        {
            try
            {
                return new IntValue(onIntegers(x, y));
            }
            catch (OverflowException)
            {
                throw IntegerOverflow();
            }
        }
        return new FloatValue(onFloats(ToDouble(a), ToDouble(b)));
    }

    private static TemplateException IntegerOverflow() =>
        new("integer result exceeds the 64-bit range supported by this template engine");

    private static TemplateException UnsupportedOperands(string op, Value a, Value b) =>
        a is StringValue && op == "+"
            ? TypeError($"can only concatenate str (not \"{b.TypeName}\") to str")
            : a is ListValue { Kind: SequenceKind.List } && op == "+"
                ? TypeError($"can only concatenate list (not \"{b.TypeName}\") to list")
                : TypeError($"unsupported operand type(s) for {op}: '{a.TypeName}' and '{b.TypeName}'");
}
