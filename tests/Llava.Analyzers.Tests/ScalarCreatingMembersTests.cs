namespace Llava.Analyzers.Tests;

public class ScalarCreatingMembersTests
{
    [Fact]
    public void The_embedded_list_is_what_the_referenced_TorchSharp_does()
    {
        var scanned = TorchSharpScalarScan.MembersCreatingUnownedScalars();
        var listed = ScalarCreatingMembers.Ids;
        var missing = scanned.Except(listed).ToList();
        var stale = listed.Except(scanned).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"build/Llava.Analyzers/{ScalarCreatingMembers.ResourceName.Split('.', 3)[2]} is out of date for this TorchSharp." +
            $"\nadd:\n{string.Join('\n', missing)}\nremove:\n{string.Join('\n', stale)}");
    }

    [Theory]
    [InlineData("M:TorchSharp.torch.Tensor.add(TorchSharp.torch.Tensor)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.torch.Tensor.add_(TorchSharp.Scalar)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.torch.Tensor.op_Addition(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.torch.Tensor.op_Multiply(TorchSharp.torch.Tensor,System.Double)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.Modules.AdamW.step(System.Func{TorchSharp.torch.Tensor})~TorchSharp.torch.Tensor")]
    public void Lists_the_members_known_to_drop_a_Scalar(string id) => Assert.Contains(id, ScalarCreatingMembers.Ids);

    [Theory]
    [InlineData("M:TorchSharp.torch.Tensor.add(TorchSharp.torch.Tensor,TorchSharp.Scalar)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.torch.Tensor.sub(TorchSharp.torch.Tensor)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.torch.Tensor.op_Subtraction(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.torch.Tensor.op_Multiply(TorchSharp.torch.Tensor,TorchSharp.Scalar)~TorchSharp.torch.Tensor")]
    [InlineData("M:TorchSharp.torch.Tensor.mul(TorchSharp.torch.Tensor)~TorchSharp.torch.Tensor")]
    public void Leaves_out_members_that_use_only_the_callers_Scalars(string id) =>
        Assert.DoesNotContain(id, ScalarCreatingMembers.Ids);
}
