namespace LlavaServer.Tests;

/// <summary>
/// Polls a condition that another thread makes true. The bound only stops a hang: a loaded machine (two cores, two
/// test runs) may take many times longer than an idle one, and a passing test never waits for the bound.
/// </summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, int seconds = 600)
    {
        for (var waited = 0; waited < seconds * 20; waited++)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
