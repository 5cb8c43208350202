namespace LlavaServer.Tests;

/// <summary>Polls a condition that another thread makes true; generous on purpose, it bounds a hang, not speed.</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, int seconds = 30)
    {
        for (var waited = 0; waited < seconds * 20; waited++)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
