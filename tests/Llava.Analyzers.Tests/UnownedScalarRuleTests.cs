namespace Llava.Analyzers.Tests;

public class UnownedScalarRuleTests
{
    [Theory]
    [InlineData("Tensor M(Tensor x) => x.pow(2);", "2")]
    [InlineData("Tensor M(Tensor x) => x.clamp(min: 0.5);", "0.5")]
    [InlineData("Tensor M(Tensor x, Tensor mask) => x.masked_fill(mask, float.NegativeInfinity);", "float.NegativeInfinity")]
    [InlineData("Tensor M() => full(3, 1.5f);", "1.5f")]
    [InlineData("Tensor M(Tensor x) => x.mul((Scalar)0.5);", "(Scalar)0.5")]
    [InlineData("Tensor M(Tensor x) => x.mul(0.5.ToScalar());", "0.5.ToScalar()")]
    [InlineData("Tensor M(Tensor x) => x.mul(x.sum().ToScalar());", "x.sum().ToScalar()")]
    [InlineData("Tensor M(Tensor x) { var half = 0.5.ToScalar(); return x.mul(half); }", "0.5.ToScalar()")]
    [InlineData("Tensor M(Tensor x) { Scalar half = 0.5; return x.mul(half); }", "0.5")]
    [InlineData("Scalar Quarter => 0.25.ToScalar();", "0.25.ToScalar()")]
    public async Task Flags_a_Scalar_that_nothing_owns(string member, string flagged) =>
        Assert.Equal([$"{ScalarLifetimeAnalyzer.UnownedScalarId}: {flagged}"], await AnalyzerRun.Findings(member));

    [Theory]
    [InlineData("static readonly Scalar Quarter = 0.25.ToScalar(); Tensor M(Tensor x) => x.mul(Quarter);")]
    [InlineData("static Scalar Quarter { get; } = 0.25; Tensor M(Tensor x) => x.mul(Quarter);")]
    [InlineData("readonly Scalar _eps; Sample(double eps) { _eps = eps.ToScalar(); } Tensor M(Tensor x) => x.mul(_eps);")]
    [InlineData("Tensor M(Tensor x, double s) { using var scale = s.ToScalar(); return x.mul(scale); }")]
    [InlineData("Tensor M(Tensor x, double s) { using (var scale = (Scalar)s) { return x.mul(scale); } }")]
    [InlineData("Tensor M(Tensor x) => x.pow(Scalars.Two).clamp(min: null, max: Scalars.One);")]
    [InlineData("Tensor M(Tensor x) => x * 0.5;")]
    public async Task Accepts_a_Scalar_with_an_owner(string member) => Assert.DoesNotContain(
        await AnalyzerRun.Findings(member), f => f.StartsWith(ScalarLifetimeAnalyzer.UnownedScalarId, StringComparison.Ordinal));
}
