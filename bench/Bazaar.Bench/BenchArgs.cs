namespace Bazaar.Bench;

// "--name value" and "--flag" options, read by name; unknown names are an error, not a silent default.
public sealed class BenchArgs
{
    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _read = [];

    private BenchArgs(Dictionary<string, string?> values) => _values = values;

    public static BenchArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            var name = args[i][2..];
            values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
        }
        return new BenchArgs(values);
    }

    public string Text(string name, string fallback, params string[] allowed)
    {
        _read.Add(name);
        var value = _values.TryGetValue(name, out var v) && v is not null ? v : fallback;
        if (allowed.Length > 0 && !allowed.Contains(value)) throw new ArgumentException($"--{name} must be one of {string.Join(", ", allowed)}; got '{value}'.");
        return value;
    }

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public int Number(string name, int fallback, int min, int max)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var raw) || raw is null) return fallback;
        if (!int.TryParse(raw, out var value) || value < min || value > max) throw new ArgumentException($"--{name} must be a whole number from {min} to {max}; got '{raw}'.");
        return value;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}
