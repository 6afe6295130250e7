namespace Bazaar.Web.Components.Search;

// What the shopper typed, as the page repeats it back in headings and notes.
public static class SearchText
{
    public const int MaxShown = 60;

    // Cut at a word boundary with an ellipsis: a pasted paragraph must not become a heading that fills the screen.
    public static string Shorten(string text, int max = MaxShown)
    {
        var trimmed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (trimmed.Length <= max) return trimmed;
        var cut = trimmed[..max];
        var space = cut.LastIndexOf(' ');
        if (space >= max / 2) cut = cut[..space];
        return cut.TrimEnd(' ', ',', ';', ':', '.', '-') + "…";
    }
}
