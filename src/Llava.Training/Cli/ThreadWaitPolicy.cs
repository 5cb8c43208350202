using Llava.Model.Tensors;

namespace Llava.Training.Cli;

/// <summary>
/// Makes libtorch's OpenMP worker threads sleep instead of spin while they wait. With the default (active) policy, a
/// machine whose cores are shared with other processes runs training several times slower with two threads than with
/// one (measured: 0.7k vs 7.9k tokens/s on two busy cores), because spinning workers burn the time slices the
/// working thread needs. Must run before the first tensor operation loads libtorch; an explicit
/// <c>OMP_WAIT_POLICY</c> in the environment wins.
/// </summary>
internal static class ThreadWaitPolicy
{
    public static void PreferPassive() => LibtorchEnvironment.SetDefault("OMP_WAIT_POLICY", "PASSIVE");
}
