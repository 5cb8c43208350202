namespace Llava.Analyzers.Tests;

public class HiddenScalarRuleTests
{
    [Theory]
    [InlineData("Tensor M(Tensor a, Tensor b) => a + b;", "a + b")]
    [InlineData("Tensor M(Tensor a, Tensor b) => a.add(b);", "a.add(b)")]
    [InlineData("Tensor M(Tensor a, Tensor b) => a.add_(b);", "a.add_(b)")]
    [InlineData("Tensor M(Tensor a, Tensor b) => add(a, b);", "add(a, b)")]
    [InlineData("Tensor M(Tensor a) => a.add(Half);", "a.add(Half)")]
    [InlineData("Tensor M(Tensor a) => a + Half;", "a + Half")]
    [InlineData("Tensor M(Tensor a) => Half - a;", "Half - a")]
    [InlineData("Tensor M(Tensor a) => a * 0.5;", "a * 0.5")]
    [InlineData("Tensor M(Tensor a) => a / 2;", "a / 2")]
    [InlineData("Tensor M(Tensor a) => 1 - a;", "1 - a")]
    [InlineData("Tensor M(Tensor a) => a.square();", "a.square()")]
    [InlineData("Tensor M() => arange(Half);", "arange(Half)")]
    [InlineData("void M(Tensor a, Tensor b) { a += b; }", "a += b")]
    [InlineData("IEnumerable<Tensor> M(IEnumerable<Tensor> xs) => xs.Select(square);", "square")]
    [InlineData("void M(AdamW optimizer) => optimizer.step();", "optimizer.step()")]
    [InlineData("void M(Tensor a) => a.ToSingle();", "a.ToSingle()")]
    public async Task Flags_a_call_that_makes_its_own_Scalar(string member, string flagged) =>
        Assert.Equal([$"{ScalarLifetimeAnalyzer.HiddenScalarId}: {flagged}"], await AnalyzerRun.Findings(member));

    [Theory]
    [InlineData("Tensor M(Tensor a, Tensor b) => a.Plus(b);")]
    [InlineData("Tensor M(Tensor a) => a.Plus(Half);")]
    [InlineData("Tensor M(Tensor a, Tensor b) => a.add(b, Scalars.One);")]
    [InlineData("Tensor M(Tensor a, Tensor b) => a.add_(b, Half);")]
    [InlineData("Tensor M(Tensor a, Tensor b) => a - b;")]
    [InlineData("Tensor M(Tensor a, Tensor b) => a * b / b;")]
    [InlineData("Tensor M(Tensor a) => a * Half - Half;")]
    [InlineData("Tensor M(Tensor a) => -a;")]
    [InlineData("Tensor M(Tensor a, Tensor b) => a.addcdiv(a, b, Half);")]
    [InlineData("Tensor M() => arange(Scalars.Zero, Half, Scalars.One);")]
    [InlineData("float M(Tensor a) => a.item<float>();")]
    [InlineData("""
        sealed class Owned(IEnumerable<Parameter> p) : AdamW(p)
        {
            public override Tensor step(System.Func<Tensor>? closure = null) => null!;
        }
        void M(Owned optimizer) => optimizer.step();
        """)]
    public async Task Accepts_a_call_whose_Scalars_the_caller_owns(string member) => Assert.Empty(await AnalyzerRun.Findings(member));
}
