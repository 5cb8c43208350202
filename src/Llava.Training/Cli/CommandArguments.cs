using System.Globalization;

namespace Llava.Training.Cli;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> options. Every option must be read by the command, so a
/// mistyped one is an error instead of a silently ignored setting.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandArguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"unexpected argument '{list[i]}'");
            var option = list[i][2..];
            var equals = option.IndexOf('=');
            if (equals > 0)
                _values[option[..equals]] = option[(equals + 1)..];
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
                _values[option] = list[++i];
            else
                _values[option] = null;
        }
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value)) return false;
        return value is null || value is "true" or "1" ? true
            : value is "false" or "0" ? false
            : throw new UsageException($"--{name} takes no value (got '{value}')");
    }

    public string? Text(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value)) return null;
        return value ?? throw new UsageException($"--{name} needs a value");
    }

    public string Required(string name) => Text(name) ?? throw new UsageException($"--{name} is required");

    public int Int(string name, int fallback) => Number(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture));

    public int? OptionalInt(string name) => Text(name) is null ? null : Int(name, 0);

    public double Double(string name, double fallback) => Number(name, fallback, s => double.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>An enum value by its lower-case name, e.g. <c>--world wide</c>.</summary>
    public T Choice<T>(string name, T fallback) where T : struct, Enum
    {
        var text = Text(name);
        if (text is null) return fallback;
        foreach (var value in Enum.GetValues<T>())
        {
            if (value.ToString().Equals(text, StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw new UsageException($"--{name}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
    }

    /// <summary>Call after reading every option.</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Select(k => "--" + k).ToList();
        if (unknown.Count > 0) throw new UsageException("unknown option(s): " + string.Join(", ", unknown));
    }

    private T Number<T>(string name, T fallback, Func<string, T> parse)
    {
        var text = Text(name);
        if (text is null) return fallback;
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"--{name}: '{text}' is not a valid number");
        }
    }
}
