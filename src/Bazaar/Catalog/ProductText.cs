using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Bazaar.Catalog;

// Supplier feeds write product text as HTML fragments: "Processor E8200 <br />(6M Cache, 2.66 GHz)",
// "<ul><li>Toner</li><li>Yield: 9,000</li></ul>", "90&deg; Down Angled". The store keeps and shows plain
// text, so the import turns a fragment into lines: a line break, paragraph, list item, table row or block ends a
// line; every other tag goes, and so does what a script or style holds; entities are decoded; spaces within a
// line collapse and empty lines are dropped. A "<" that starts no tag ("size < 10", "<5 ms") is text.
public static partial class ProductText
{
    public static string FromHtml(string? fragment)
    {
        if (string.IsNullOrEmpty(fragment)) return "";
        var text = fragment;
        if (text.Contains('<', StringComparison.Ordinal))
        {
            text = Hidden().Replace(text, " ");
            text = Comment().Replace(text, " ");
            text = Tag().Replace(text, m => EndsLine(m.Groups["name"].Value) ? "\n" : " ");
        }
        if (text.Contains('&', StringComparison.Ordinal)) text = WebUtility.HtmlDecode(text);

        var lines = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            var collapsed = string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (collapsed.Length == 0) continue;
            if (lines.Length > 0) lines.Append('\n');
            lines.Append(collapsed);
        }
        return lines.ToString();
    }

    // The same on one line, for a title, brand or model.
    public static string LineFromHtml(string? fragment) => FromHtml(fragment).Replace('\n', ' ');

    private static bool EndsLine(string tag) => tag.ToLowerInvariant() is
        "br" or "p" or "div" or "li" or "ul" or "ol" or "tr" or "table" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6"
        or "section" or "article" or "header" or "footer" or "blockquote" or "pre" or "dd" or "dt" or "dl" or "hr";

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"</?(?<name>[a-zA-Z][a-zA-Z0-9]*)\b(?:[^>""']|""[^""]*""|'[^']*')*/?>")]
    private static partial Regex Tag();
}
