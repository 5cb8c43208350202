namespace Llava.Engine.Templating.Syntax;

/// <summary>Statement nodes of the template AST.</summary>
internal abstract record Stmt(SourcePosition Position);

internal sealed record TextStmt(string Text, SourcePosition Position) : Stmt(Position);

internal sealed record OutputStmt(Expr Value, SourcePosition Position) : Stmt(Position);

internal sealed record IfStmt(IReadOnlyList<(Expr Test, IReadOnlyList<Stmt> Body)> Branches, IReadOnlyList<Stmt> Otherwise, SourcePosition Position)
    : Stmt(Position);

internal sealed record ForStmt(AssignTarget Target, Expr Iterable, Expr? Filter, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> Otherwise, SourcePosition Position)
    : Stmt(Position);

internal sealed record BreakStmt(SourcePosition Position) : Stmt(Position);

internal sealed record ContinueStmt(SourcePosition Position) : Stmt(Position);

internal sealed record SetStmt(AssignTarget Target, Expr Value, SourcePosition Position) : Stmt(Position);

/// <summary>
/// <c>{% set x | filters %}body{% endset %}</c>: captures the rendered body. <see cref="Filter"/> is the last filter
/// of the chain; the innermost one has no input and receives the body.
/// </summary>
internal sealed record SetBlockStmt(AssignTarget Target, FilterExpr? Filter, IReadOnlyList<Stmt> Body, SourcePosition Position)
    : Stmt(Position);

internal sealed record MacroParameter(string Name, Expr? Default);

/// <summary>
/// A macro definition. Like Jinja2, extra positional or keyword arguments are only accepted when the body
/// refers to <c>varargs</c> or <c>kwargs</c>.
/// </summary>
internal sealed record MacroStmt(string Name, IReadOnlyList<MacroParameter> Parameters, IReadOnlyList<Stmt> Body, bool UsesVarargs, bool UsesKwargs, SourcePosition Position)
    : Stmt(Position);

internal sealed record WithStmt(IReadOnlyList<(AssignTarget Target, Expr Value)> Assignments, IReadOnlyList<Stmt> Body, SourcePosition Position)
    : Stmt(Position);

/// <summary><c>{% filter f | g %}body{% endfilter %}</c>; the chain is held as in <see cref="SetBlockStmt"/>.</summary>
internal sealed record FilterBlockStmt(FilterExpr Filter, IReadOnlyList<Stmt> Body, SourcePosition Position) : Stmt(Position);

/// <summary>
/// Hugging Face's <c>{% generation %}</c> extension: marks assistant text for training masks and renders its body
/// unchanged, in its own scope (it is a call block in Jinja2).
/// </summary>
internal sealed record GenerationStmt(IReadOnlyList<Stmt> Body, SourcePosition Position) : Stmt(Position);

/// <summary>Left-hand side of <c>set</c>, <c>for</c> and <c>with</c>.</summary>
internal abstract record AssignTarget(SourcePosition Position);

internal sealed record NameTarget(string Name, SourcePosition Position) : AssignTarget(Position);

internal sealed record TupleTarget(IReadOnlyList<AssignTarget> Items, SourcePosition Position) : AssignTarget(Position);

/// <summary><c>{% set ns.attr = value %}</c> on a <c>namespace()</c> object.</summary>
internal sealed record NamespaceTarget(string Namespace, string Attribute, SourcePosition Position) : AssignTarget(Position);
