using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Syntax;

/// <summary>Expression nodes of the template AST. Every node remembers where it starts for error messages.</summary>
internal abstract record Expr(SourcePosition Position);

/// <summary>An immutable constant: none, a boolean, a number or a string (adjacent string literals already joined).</summary>
internal sealed record LiteralExpr(Value Value, SourcePosition Position) : Expr(Position);

internal sealed record NameExpr(string Name, SourcePosition Position) : Expr(Position);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, SourcePosition Position) : Expr(Position);

internal sealed record TupleExpr(IReadOnlyList<Expr> Items, SourcePosition Position) : Expr(Position);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Entries, SourcePosition Position) : Expr(Position);

/// <summary><c>target.name</c>: Python attribute first, then item lookup.</summary>
internal sealed record AttributeExpr(Expr Target, string Name, SourcePosition Position) : Expr(Position);

/// <summary><c>target[index]</c>: item lookup first, then attribute for string keys.</summary>
internal sealed record ItemExpr(Expr Target, Expr Index, SourcePosition Position) : Expr(Position);

/// <summary><c>start:stop:step</c> inside a subscript; missing parts are null (Python's None).</summary>
internal sealed record SliceExpr(Expr? Start, Expr? Stop, Expr? Step, SourcePosition Position) : Expr(Position);

internal sealed record KeywordArgument(string Name, Expr Value);

internal sealed record CallExpr(Expr Callee, IReadOnlyList<Expr> Arguments, IReadOnlyList<KeywordArgument> Keywords, SourcePosition Position)
    : Expr(Position);

/// <summary><c>input | name(args)</c>. Input is null for the filter of a <c>{% filter %}</c> block or <c>{% set %}</c> block.</summary>
internal sealed record FilterExpr(Expr? Input, string Name, IReadOnlyList<Expr> Arguments, IReadOnlyList<KeywordArgument> Keywords, SourcePosition Position)
    : Expr(Position);

/// <summary><c>input is name(args)</c>; <c>is not</c> is parsed as a <see cref="NotExpr"/> around it.</summary>
internal sealed record TestExpr(Expr Input, string Name, IReadOnlyList<Expr> Arguments, IReadOnlyList<KeywordArgument> Keywords, SourcePosition Position)
    : Expr(Position);

internal sealed record NotExpr(Expr Operand, SourcePosition Position) : Expr(Position);

internal sealed record NegateExpr(Expr Operand, SourcePosition Position) : Expr(Position);

internal sealed record PlusExpr(Expr Operand, SourcePosition Position) : Expr(Position);

internal enum BinaryOperator { Add, Subtract, Multiply, Divide, FloorDivide, Modulo, Power }

internal sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right, SourcePosition Position) : Expr(Position);

/// <summary><c>a and b</c> / <c>a or b</c>: short-circuit, yields one of the operands like Python.</summary>
internal sealed record LogicalExpr(bool IsAnd, Expr Left, Expr Right, SourcePosition Position) : Expr(Position);

/// <summary><c>a ~ b ~ c</c>: string conversion of every operand, joined.</summary>
internal sealed record ConcatExpr(IReadOnlyList<Expr> Operands, SourcePosition Position) : Expr(Position);

internal enum CompareOperator { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, In, NotIn }

/// <summary>A comparison chain with Python semantics: <c>a &lt; b &lt; c</c> means <c>a &lt; b and b &lt; c</c>.</summary>
internal sealed record CompareExpr(Expr First, IReadOnlyList<(CompareOperator Operator, Expr Operand)> Rest, SourcePosition Position)
    : Expr(Position);

/// <summary><c>then if test else otherwise</c>; without else a false test yields undefined.</summary>
internal sealed record ConditionalExpr(Expr Test, Expr Then, Expr? Otherwise, SourcePosition Position) : Expr(Position);
