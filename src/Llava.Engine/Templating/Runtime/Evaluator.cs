using System.Text;
using Llava.Engine.Templating.Builtins;
using Llava.Engine.Templating.Syntax;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>Evaluates expression nodes to values. Errors raised below a node are tagged with that node's position.</summary>
internal sealed class Evaluator
{
    public Value Evaluate(Expr expr, Scope scope)
    {
        StackGuard.EnsureRoom();
        try
        {
            return expr switch
            {
                LiteralExpr literal => literal.Value,
                NameExpr name => scope.Lookup(name.Name) ?? UndefinedValue.Named(name.Name),
                ListExpr list => new ListValue(list.Items.Select(i => Evaluate(i, scope)).ToList()),
                TupleExpr tuple => new ListValue(tuple.Items.Select(i => Evaluate(i, scope)).ToList(), SequenceKind.Tuple),
                DictExpr dict => EvaluateDict(dict, scope),
                AttributeExpr attribute => Access.GetAttribute(Evaluate(attribute.Target, scope), attribute.Name),
                ItemExpr item => Access.GetItem(Evaluate(item.Target, scope), EvaluateIndex(item.Index, scope)),
                CallExpr call => Call(Evaluate(call.Callee, scope), EvaluateArguments(call.Arguments, call.Keywords, scope)),
                FilterExpr filter => ApplyFilter(filter, scope, seed: null),
                TestExpr test => BoolValue.Of(TestCatalog.Apply(test.Name, Evaluate(test.Input, scope), EvaluateArguments(test.Arguments, test.Keywords, scope))),
                NotExpr not => BoolValue.Of(!Evaluate(not.Operand, scope).IsTruthy),
                NegateExpr negate => PythonOps.Negate(Evaluate(negate.Operand, scope)),
                PlusExpr plus => PythonOps.Plus(Evaluate(plus.Operand, scope)),
                BinaryExpr binary => EvaluateBinary(binary, scope),
                LogicalExpr logical => EvaluateLogical(logical, scope),
                ConcatExpr concat => EvaluateConcat(concat, scope),
                CompareExpr compare => EvaluateCompare(compare, scope),
                ConditionalExpr conditional => Evaluate(conditional.Test, scope).IsTruthy
                    ? Evaluate(conditional.Then, scope)
                    : conditional.Otherwise is null
                        ? UndefinedValue.WithHint("the inline if-expression evaluated to false and no else section was defined.")
                        : Evaluate(conditional.Otherwise, scope),
                SliceExpr => throw new TemplateException("a slice is only allowed inside []"),
                _ => throw new TemplateException($"unsupported expression {expr.GetType().Name}"),
            };
        }
        catch (TemplateException e) when (!e.HasPosition)
        {
            throw e.At(expr.Position);
        }
    }

    /// <summary>
    /// Applies a filter chain. The innermost filter of a <c>{% filter %}</c> or <c>{% set %}</c> block has no input
    /// expression and filters <paramref name="seed"/> (the rendered body) instead.
    /// </summary>
    public Value ApplyFilter(FilterExpr filter, Scope scope, Value? seed)
    {
        try
        {
            var input = filter.Input switch
            {
                null => seed ?? throw new TemplateException($"filter '{filter.Name}' has no input"),
                FilterExpr inner => ApplyFilter(inner, scope, seed),
                var expr => Evaluate(expr, scope),
            };
            return FilterCatalog.Apply(filter.Name, input, EvaluateArguments(filter.Arguments, filter.Keywords, scope));
        }
        catch (TemplateException e) when (!e.HasPosition)
        {
            throw e.At(filter.Position);
        }
    }

    public static Value Call(Value callee, CallArguments arguments) => callee switch
    {
        CallableValue callable => callable.Invoke(arguments),
        UndefinedValue undefined => throw undefined.Error(),
        _ => throw new TemplateException($"'{callee.TypeName}' object is not callable"),
    };

    private CallArguments EvaluateArguments(IReadOnlyList<Expr> positional, IReadOnlyList<KeywordArgument> keywords, Scope scope)
    {
        if (positional.Count == 0 && keywords.Count == 0)
            return CallArguments.None;
        return new CallArguments(
            positional.Select(a => Evaluate(a, scope)).ToList(),
            keywords.Select(k => new KeyValuePair<string, Value>(k.Name, Evaluate(k.Value, scope))).ToList());
    }

    private DictValue EvaluateDict(DictExpr expr, Scope scope)
    {
        var dict = new DictValue();
        foreach (var (key, value) in expr.Entries)
            dict.Set(Evaluate(key, scope), Evaluate(value, scope));
        return dict;
    }

    private Value EvaluateIndex(Expr index, Scope scope)
    {
        if (index is not SliceExpr slice)
            return Evaluate(index, scope);
        return new SliceValue(SliceBound(slice.Start, scope), SliceBound(slice.Stop, scope), SliceBound(slice.Step, scope));
    }

    private long? SliceBound(Expr? bound, Scope scope)
    {
        if (bound is null)
            return null;
        var value = Evaluate(bound, scope);
        if (value is NoneValue)
            return null;
        return PythonOps.TryGetInteger(value, out var i)
            ? i
            : throw new TemplateException("slice indices must be integers or None or have an __index__ method");
    }

    private Value EvaluateBinary(BinaryExpr binary, Scope scope)
    {
        var left = Evaluate(binary.Left, scope);
        var right = Evaluate(binary.Right, scope);
        return binary.Operator switch
        {
            BinaryOperator.Add => PythonOps.Add(left, right),
            BinaryOperator.Subtract => PythonOps.Subtract(left, right),
            BinaryOperator.Multiply => PythonOps.Multiply(left, right),
            BinaryOperator.Divide => PythonOps.Divide(left, right),
            BinaryOperator.FloorDivide => PythonOps.FloorDivide(left, right),
            BinaryOperator.Modulo => PythonOps.Modulo(left, right),
            _ => PythonOps.Power(left, right),
        };
    }

    private Value EvaluateLogical(LogicalExpr logical, Scope scope)
    {
        var left = Evaluate(logical.Left, scope);
        if (logical.IsAnd ? !left.IsTruthy : left.IsTruthy)
            return left;
        return Evaluate(logical.Right, scope);
    }

    private Value EvaluateConcat(ConcatExpr concat, Scope scope)
    {
        var sb = new StringBuilder();
        foreach (var operand in concat.Operands)
            sb.Append(Evaluate(operand, scope).Str());
        return new StringValue(sb.ToString());
    }

    private Value EvaluateCompare(CompareExpr compare, Scope scope)
    {
        var left = Evaluate(compare.First, scope);
        foreach (var (op, operand) in compare.Rest)
        {
            var right = Evaluate(operand, scope);
            if (!PythonOps.Compare(left, right, op))
                return BoolValue.False;
            left = right;
        }
        return BoolValue.True;
    }
}
