using System.Net;
using System.Text;

namespace Bazaar.Search;

// Marks the words of a title that matched: the title is analysed as the index analysed it, and every token
// whose term the query looked for (or, while typing, that starts with the last word) is wrapped in <mark>.
// Everything else is HTML-encoded, so the result is safe to render as markup.
public static class TitleHighlighter
{
    public static string Html(string title, IReadOnlySet<string> terms, string? prefix = null) =>
        Html(title, ProductAnalyzer.Query.Analyze(title), terms, prefix);

    // With the title's tokens already analysed.
    public static string Html(string title, IReadOnlyList<AnalyzedToken> tokens, IReadOnlySet<string> terms, string? prefix = null)
    {
        if (terms.Count == 0 && string.IsNullOrEmpty(prefix)) return WebUtility.HtmlEncode(title);
        var spans = new List<(int Start, int End)>();
        foreach (var token in tokens)
        {
            var hit = terms.Contains(token.Term) || (!string.IsNullOrEmpty(prefix) && token.Term.StartsWith(prefix, StringComparison.Ordinal));
            if (hit && token.End > token.Start && token.End <= title.Length) spans.Add((token.Start, token.End));
        }
        if (spans.Count == 0) return WebUtility.HtmlEncode(title);
        spans.Sort();
        var sb = new StringBuilder(title.Length + (spans.Count * 13));
        var at = 0;
        foreach (var (start, end) in spans)
        {
            if (end <= at) continue;
            var from = Math.Max(start, at);
            sb.Append(WebUtility.HtmlEncode(title[at..from])).Append("<mark>").Append(WebUtility.HtmlEncode(title[from..end])).Append("</mark>");
            at = end;
        }
        sb.Append(WebUtility.HtmlEncode(title[at..]));
        return sb.ToString().Replace("</mark><mark>", "", StringComparison.Ordinal);
    }
}
