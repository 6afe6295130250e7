using System.Globalization;
using System.Text;

namespace Bazaar.Catalog;

// URL slugs and human labels for catalogue names.
public static class Slug
{
    public static string From(string text, int maxLength = 80)
    {
        var normalized = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(normalized.Length);
        var dash = false;
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (dash && sb.Length > 0) sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
                dash = false;
            }
            else
            {
                dash = true;
            }
            if (sb.Length >= maxLength) break;
        }
        return sb.ToString().TrimEnd('-');
    }

    // "black_toner_page_yield" -> "Black toner page yield"
    public static string Humanize(string key)
    {
        var words = key.Replace('_', ' ').Trim();
        return words.Length == 0 ? key : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
