namespace Bazaar.Search;

// Synonym rules in the Solr format, one a line: "tv, television, telly" (each means the others) or
// "laptop bag => notebook case" (one way). Applied at query time only, so an edit needs no reindex.
public sealed class SynonymSet
{
    public static readonly SynonymSet Empty = new([]);

    private readonly List<(string[] From, List<string[]> To)> _rules;

    private SynonymSet(List<(string[] From, List<string[]> To)> rules) => _rules = rules;

    public int Count => _rules.Count;

    public static SynonymSet Parse(IEnumerable<string> lines)
    {
        var rules = new List<(string[] From, List<string[]> To)>();
        foreach (var line in lines)
        {
            if (TryParse(line, out var parsed, out _)) rules.AddRange(parsed);
        }
        return new SynonymSet(rules);
    }

    // Checks one rule as an admin typed it; the error says what is wrong.
    public static bool TryParse(string? line, out List<(string[] From, List<string[]> To)> rules, out string? error)
    {
        rules = [];
        error = null;
        var text = line?.Trim() ?? "";
        if (text.Length == 0 || text.StartsWith('#')) { error = "The rule is empty."; return false; }
        if (text.Length > 400) { error = "A rule must be at most 400 characters."; return false; }
        var arrow = text.IndexOf("=>", StringComparison.Ordinal);
        if (arrow >= 0)
        {
            var from = Phrases(text[..arrow]);
            var to = Phrases(text[(arrow + 2)..]);
            if (from.Count == 0 || to.Count == 0) { error = "Write 'words => other words' with something on both sides."; return false; }
            foreach (var f in from) rules.Add((f, to));
            return true;
        }
        var group = Phrases(text);
        if (group.Count < 2) { error = "Write two or more phrases separated by commas, or 'words => other words'."; return false; }
        foreach (var phrase in group) rules.Add((phrase, group.Where(p => p != phrase).ToList()));
        return true;
    }

    private static List<string[]> Phrases(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Terms)
            .Where(t => t.Length > 0)
            .ToList();

    // A phrase as the query side sees it: the first term at each position.
    private static string[] Terms(string phrase) =>
        ProductAnalyzer.Query.Analyze(phrase).GroupBy(t => t.Position).Select(g => g.First().Term).ToArray();

    // For each rule whose left side occurs in the query's terms: where it starts, its length, and what it may become.
    public IEnumerable<(int Start, int Length, string[] Alternative)> Matches(IReadOnlyList<string> terms)
    {
        foreach (var (from, to) in _rules)
        {
            for (var start = 0; start + from.Length <= terms.Count; start++)
            {
                var match = true;
                for (var k = 0; k < from.Length && match; k++) match = terms[start + k] == from[k];
                if (!match) continue;
                foreach (var alternative in to) yield return (start, from.Length, alternative);
            }
        }
    }
}
