using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>Numeric filters with Python's conversion and rounding rules.</summary>
internal static partial class NumberFilters
{
    public static Value Abs(Value input, CallArguments args)
    {
        args.Bind("abs");
        if (input is UndefinedValue u)
            throw u.Error();
        if (PythonOps.TryGetInteger(input, out var i))
            return i == long.MinValue ? throw new TemplateException("integer overflow in abs()") : new IntValue(Math.Abs(i));
        if (input is FloatValue f)
            return new FloatValue(Math.Abs(f.Value));
        throw new TemplateException($"bad operand type for abs(): '{input.TypeName}'");
    }

    /// <summary>
    /// Jinja2's <c>int</c>: <c>int(value)</c> (strings in the given base), else <c>int(float(value))</c>,
    /// else the default.
    /// </summary>
    public static Value Int(Value input, CallArguments args)
    {
        var a = args.Bind("int", "default?", "base?");
        var fallback = a[0] ?? new IntValue(0);
        var numberBase = a[1] is { } b && PythonOps.TryGetInteger(b, out var nb) ? (int)nb : 10;
        if (input is UndefinedValue u)
            throw u.Error();
        switch (input)
        {
            case StringValue s:
                if (TryParseInt(s.Text, numberBase, out var parsed))
                    return new IntValue(parsed);
                return TryParseFloat(s.Text, out var asFloat) ? Truncate(asFloat, fallback) : fallback;
            case FloatValue f:
                return Truncate(f.Value, fallback);
            case var _ when PythonOps.TryGetInteger(input, out var i):
                return new IntValue(i);
            default:
                return fallback;
        }
    }

    private static Value Truncate(double value, Value fallback)
    {
        if (double.IsNaN(value))
            return fallback;
        if (double.IsInfinity(value))
            throw new TemplateException("cannot convert float infinity to integer");
        var truncated = Math.Truncate(value);
        if (truncated is >= 9.2233720368547758e18 or < -9.2233720368547758e18)
            throw new TemplateException("integer result exceeds the 64-bit range supported by this template engine");
        return new IntValue((long)truncated);
    }

    public static Value Float(Value input, CallArguments args)
    {
        var a = args.Bind("float", "default?");
        var fallback = a[0] ?? new FloatValue(0.0);
        if (input is UndefinedValue u)
            throw u.Error();
        return input switch
        {
            FloatValue f => f,
            StringValue s => TryParseFloat(s.Text, out var parsed) ? new FloatValue(parsed) : fallback,
            _ when PythonOps.TryGetInteger(input, out var i) => new FloatValue(i),
            _ => fallback,
        };
    }

    /// <summary>
    /// Jinja2's <c>round(value, precision=0, method='common')</c>: "common" is Python's <c>round()</c>
    /// (half-to-even on the exact binary value; ints stay ints), "ceil"/"floor" scale, round and divide.
    /// </summary>
    public static Value Round(Value input, CallArguments args)
    {
        var a = args.Bind("round", "precision?", "method?");
        var precision = a[0] is null ? 0 : PythonOps.TryGetInteger(a[0]!, out var p) ? p : throw new TemplateException("round() precision must be an integer");
        var method = a[1] is null ? "common" : a[1]!.Str();
        if (method is not ("common" or "ceil" or "floor"))
            throw new TemplateException("method must be common, ceil or floor");
        if (input is UndefinedValue u)
            throw u.Error();
        if (!PythonOps.IsNumber(input))
            throw new TemplateException($"type {input.TypeName} doesn't define __round__ method");

        if (method != "common")
        {
            var scale = Math.Pow(10, precision);
            var scaled = PythonOps.ToDouble(input) * scale;
            if (double.IsInfinity(scaled) || double.IsNaN(scaled))
                throw new TemplateException("cannot convert float to integer");
            var rounded = method == "ceil" ? Math.Ceiling(scaled) : Math.Floor(scaled);
            return new FloatValue(rounded / scale);
        }
        if (PythonOps.TryGetInteger(input, out var integer))
            return new IntValue(precision >= 0 ? integer : RoundIntegerHalfEven(integer, -precision));
        return new FloatValue(RoundHalfEven(((FloatValue)input).Value, precision));
    }

    private static long RoundIntegerHalfEven(long value, long digits)
    {
        if (digits > 18)
            return 0;
        var unit = (long)Math.Pow(10, digits);
        var quotient = BigInteger.DivRem(value, unit, out var remainder);
        if (remainder < 0)
        {
            remainder += unit;
            quotient -= 1;
        }
        var twice = remainder * 2;
        if (twice > unit || (twice == unit && !quotient.IsEven))
            quotient += 1;
        return (long)(quotient * unit);
    }

    /// <summary>CPython's float rounding: exact decimal rounding of the binary value, then parsed back.</summary>
    private static double RoundHalfEven(double value, long digits)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value == 0)
            return value;
        if (digits > 330)
            return value;
        if (digits < -330)
            return Math.CopySign(0.0, value);

        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
            exponent = 1;
        else
            mantissa |= 1L << 52;
        exponent -= 1075;

        // value = mantissa * 2^exponent; compute value * 10^digits as the fraction num / den.
        BigInteger num = mantissa;
        BigInteger den = BigInteger.One;
        if (exponent >= 0)
            num <<= exponent;
        else
            den <<= -exponent;
        if (digits >= 0)
            num *= BigInteger.Pow(10, (int)digits);
        else
            den *= BigInteger.Pow(10, (int)-digits);

        var quotient = BigInteger.DivRem(num, den, out var remainder);
        var twice = remainder * 2;
        if (twice > den || (twice == den && !quotient.IsEven))
            quotient += 1;

        var text = string.Create(CultureInfo.InvariantCulture, $"{quotient}e{-digits}");
        var result = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return value < 0 ? -result : result;
    }

    /// <summary>Python's <c>int(text, base)</c>: surrounding whitespace, a sign, single underscores between digits.</summary>
    public static bool TryParseInt(string text, int numberBase, out long value)
    {
        value = 0;
        var s = PythonText.Strip(text);
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.Length > 1 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b')
        {
            var prefixBase = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            if (numberBase != prefixBase && numberBase != 0)
                return false;
            numberBase = prefixBase;
            s = s[2..];
            if (s.StartsWith('_'))
                s = s[1..];
        }
        else if (numberBase == 0)
        {
            numberBase = 10;
        }
        if (s.Length == 0 || s[0] == '_' || s[^1] == '_' || s.Contains("__", StringComparison.Ordinal))
            return false;
        BigInteger result = 0;
        foreach (var c in s)
        {
            if (c == '_')
                continue;
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= numberBase)
                return false;
            result = result * numberBase + digit;
        }
        if (negative)
            result = -result;
        if (result > long.MaxValue || result < long.MinValue)
            throw new TemplateException("integer result exceeds the 64-bit range supported by this template engine");
        value = (long)result;
        return true;
    }

    /// <summary>Python's <c>float(text)</c>: decimal or exponent forms, inf/infinity/nan, underscores between digits.</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        value = 0;
        var s = PythonText.Strip(text);
        var m = FloatText().Match(s);
        if (!m.Success)
            return false;
        var body = m.Groups["body"].Value.ToLowerInvariant();
        var negative = m.Groups["sign"].Value == "-";
        if (body is "inf" or "infinity")
            value = double.PositiveInfinity;
        else if (body == "nan")
            value = double.NaN;
        else
            value = double.Parse(body.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (negative)
            value = -value;
        return true;
    }

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<body>(?i:inf|infinity|nan)|([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?)$")]
    private static partial Regex FloatText();
}
