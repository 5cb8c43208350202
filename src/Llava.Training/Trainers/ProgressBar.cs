using System.Diagnostics;

namespace Llava.Training.Trainers;

/// <summary>
/// One line of progress: step, a bar, smoothed loss, learning rate, tokens per second and ETA. On a terminal the line
/// is redrawn in place; into a file or pipe it is written as a new line about every twentieth of the run.
/// </summary>
public sealed class ProgressBar(string stage, int totalSteps, int startStep, TextWriter output, bool interactive)
{
    private const int BarWidth = 24;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly int _lineEvery = Math.Max(1, totalSteps / 20);
    private TimeSpan _lastDraw = TimeSpan.MinValue;
    private long _tokens;

    public static bool IsTerminal(TextWriter output) => output == Console.Out && !Console.IsOutputRedirected;

    public void Step(int step, double loss, double learningRate, long tokens)
    {
        _tokens += tokens;
        var done = step + 1;
        var elapsed = _watch.Elapsed;
        var rate = _tokens / Math.Max(elapsed.TotalSeconds, 1e-9);
        var stepsPerSecond = (done - startStep) / Math.Max(elapsed.TotalSeconds, 1e-9);
        var eta = TimeSpan.FromSeconds((totalSteps - done) / Math.Max(stepsPerSecond, 1e-9));
        var filled = (int)Math.Round(BarWidth * done / (double)totalSteps);
        var line = $"[{stage}] {done,6}/{totalSteps} |{new string('#', filled)}{new string('.', BarWidth - filled)}| " +
                   $"loss {loss:F4}  lr {learningRate:0.00e+0}  {rate / 1000:F1}k tok/s  ETA {Format(eta)}";
        if (interactive)
        {
            if (done < totalSteps && elapsed - _lastDraw < TimeSpan.FromMilliseconds(250)) return;
            _lastDraw = elapsed;
            output.Write("\r" + line.PadRight(110));
            if (done == totalSteps) output.WriteLine();
        }
        else if (done % _lineEvery == 0 || done == totalSteps || done == startStep + 1)
        {
            output.WriteLine(line);
        }
        output.Flush();
    }

    /// <summary>A message between progress lines (validation results, checkpoints).</summary>
    public void Note(string message)
    {
        output.WriteLine(interactive ? "\r" + message.PadRight(110) : message);
        output.Flush();
    }

    public static string Format(TimeSpan time) =>
        time.TotalHours >= 1 ? $"{(int)time.TotalHours}h{time.Minutes:D2}m" : $"{time.Minutes}m{time.Seconds:D2}s";
}
