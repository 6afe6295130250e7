using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Bazaar.Content;

// The little markup a trust page's text may use, turned into HTML that can hold nothing but text, headings, lists,
// paragraphs and links: every character the admin typed is encoded, and a link goes only to http(s), mailto, tel or
// a path on this site.
//   ## Heading            a heading
//   - item                a list item
//   [text](https://...)   a link
//   a blank line          a new paragraph
public static partial class PageMarkup
{
    [GeneratedRegex(@"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)")]
    private static partial Regex Link();

    public static string ToHtml(string text)
    {
        var html = new StringBuilder();
        foreach (var block in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0) continue;
            if (lines[0].StartsWith("## ", StringComparison.Ordinal))
            {
                html.Append("<h2>").Append(Inline(lines[0][3..])).Append("</h2>\n");
                lines.RemoveAt(0);
                if (lines.Count == 0) continue;
            }
            if (lines.All(l => l.StartsWith("- ", StringComparison.Ordinal)))
            {
                html.Append("<ul>");
                foreach (var l in lines) html.Append("<li>").Append(Inline(l[2..])).Append("</li>");
                html.Append("</ul>\n");
            }
            else html.Append("<p>").Append(string.Join("<br>", lines.Select(Inline))).Append("</p>\n");
        }
        return html.ToString();
    }

    // The first words of the text without markup, for a meta description.
    public static string Summary(string text, int length = 155)
    {
        var plain = Link().Replace(text, m => m.Groups[1].Value).Replace("## ", "", StringComparison.Ordinal).Replace("\n- ", " ", StringComparison.Ordinal);
        plain = string.Join(' ', plain.Split((char[])['\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        if (plain.Length <= length) return plain;
        var cut = plain.LastIndexOf(' ', length - 1);
        return plain[..(cut > 0 ? cut : length - 1)] + "…";
    }

    private static string Inline(string line)
    {
        var html = new StringBuilder();
        var at = 0;
        foreach (Match m in Link().Matches(line))
        {
            html.Append(WebUtility.HtmlEncode(line[at..m.Index]));
            var url = m.Groups[2].Value;
            if (IsSafe(url))
                html.Append("<a href=\"").Append(WebUtility.HtmlEncode(url)).Append('"').Append(url.StartsWith('/') ? "" : " rel=\"external nofollow\"")
                    .Append('>').Append(WebUtility.HtmlEncode(m.Groups[1].Value)).Append("</a>");
            else html.Append(WebUtility.HtmlEncode(m.Value));
            at = m.Index + m.Length;
        }
        return html.Append(WebUtility.HtmlEncode(line[at..])).ToString();
    }

    private static bool IsSafe(string url) =>
        (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal))
        || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("tel:", StringComparison.OrdinalIgnoreCase);
}
