using static TorchSharp.torch;

namespace Llava.Training.Tests.Support;

/// <summary>Copies of every parameter of a module, to see which ones a step changed.</summary>
public sealed class ParameterSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _values;

    public ParameterSnapshot(nn.Module module) =>
        _values = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    /// <summary>Names of the parameters whose values differ from the snapshot.</summary>
    public IReadOnlyList<string> Changed(nn.Module module) =>
        module.named_parameters().Where(p => !p.parameter.detach().equal(_values[p.name]).all().item<bool>()).Select(p => p.name).ToList();

    public void Dispose()
    {
        foreach (var value in _values.Values) value.Dispose();
    }
}
