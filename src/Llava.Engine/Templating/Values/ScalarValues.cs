using System.Globalization;
using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Values;

internal sealed class NoneValue : Value
{
    public static readonly NoneValue Instance = new();

    private NoneValue()
    {
    }

    public override string TypeName => "NoneType";

    public override bool IsTruthy => false;

    public override string Str() => "None";

    public override string ObjectDescription => "None";
}

/// <summary>Python's bool, which is also an int (True + 1 == 2).</summary>
internal sealed class BoolValue : Value
{
    public static readonly BoolValue True = new(true);
    public static readonly BoolValue False = new(false);

    private BoolValue(bool value) => Value = value;

    public bool Value { get; }

    public static BoolValue Of(bool value) => value ? True : False;

    public override string TypeName => "bool";

    public override bool IsTruthy => Value;

    public override string Str() => Value ? "True" : "False";
}

/// <summary>Python's int, limited to 64 bits; overflowing arithmetic raises instead of silently wrapping.</summary>
internal sealed class IntValue(long value) : Value
{
    public long Value { get; } = value;

    public override string TypeName => "int";

    public override bool IsTruthy => Value != 0;

    public override string Str() => Value.ToString(CultureInfo.InvariantCulture);
}

internal sealed class FloatValue(double value) : Value
{
    public double Value { get; } = value;

    public override string TypeName => "float";

    public override bool IsTruthy => Value != 0;

    public override string Str() => PythonRepr.Float(Value);
}
