using System.Globalization;

namespace LlavaServer.Cli;

/// <summary>
/// A small GNU-style reader for <c>--name value</c> / <c>--name=value</c> / <c>--flag</c> options that
/// remembers which options were consumed so unknown ones can be reported.
/// </summary>
public sealed class ArgumentReader
{
    private readonly List<(string Name, string? Value)> _options = [];
    private readonly HashSet<int> _used = [];

    public ArgumentReader(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new CliException($"unexpected argument '{arg}'");
            var eq = arg.IndexOf('=');
            if (eq > 0)
                _options.Add((arg[2..eq], arg[(eq + 1)..]));
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
                _options.Add((arg[2..], list[++i]));
            else
                _options.Add((arg[2..], null));
        }
    }

    public bool Flag(string name) => Find(name).Any();

    /// <summary>A flag that may carry a value: "true" when given alone, its last value otherwise, null when absent.</summary>
    public string? Switch(string name) => Find(name).Select(o => o.Value ?? "true").LastOrDefault();

    public string? String(string name) => All(name).LastOrDefault();

    public IReadOnlyList<string> All(string name) =>
        Find(name).Select(o => o.Value ?? throw new CliException($"--{name} needs a value")).ToList();

    public int? Int(string name) => Parse(name, s => int.Parse(s, CultureInfo.InvariantCulture));

    public long? Long(string name) => Parse(name, s => long.Parse(s, CultureInfo.InvariantCulture));

    public double? Double(string name) => Parse(name, s => double.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>Throws for options nobody asked for, so typos do not pass silently.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Where((_, i) => !_used.Contains(i)).Select(o => "--" + o.Name).ToList();
        if (unknown.Count > 0) throw new CliException("unknown option(s): " + string.Join(", ", unknown));
    }

    private IEnumerable<(string Name, string? Value)> Find(string name)
    {
        for (var i = 0; i < _options.Count; i++)
        {
            if (_options[i].Name != name) continue;
            _used.Add(i);
            yield return _options[i];
        }
    }

    private T? Parse<T>(string name, Func<string, T> parse) where T : struct
    {
        var text = String(name);
        if (text is null) return null;
        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            throw new CliException($"--{name}: '{text}' is not a valid number");
        }
        catch (OverflowException)
        {
            throw new CliException($"--{name}: '{text}' is out of range");
        }
    }
}

public sealed class CliException(string message) : Exception(message);
