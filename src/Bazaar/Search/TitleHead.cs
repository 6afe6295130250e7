namespace Bazaar.Search;

// The word that names what a product is: in "Honeywell 16 in. Oscillating Stand Fan in White with Remote" it is
// "fan", the last word before the first "in", "with", "for", comma or bracket. Shoppers name the thing they want
// last too ("16 inch fan", "blinds for patio doors"), so a product whose head is the query's head is the thing
// itself, not an accessory for it ("Fan Remote", "Pipe Bender" for "pipe"). Found the same way in titles and
// queries, from the tokenizer's words (a number's "in." is a unit, not a boundary).
internal static class TitleHead
{
    private static readonly HashSet<string> Boundaries = new(StringComparer.Ordinal)
    {
        "in", "with", "for", "by", "featuring", "includes", "including", "without", "on", "from", "fits",
    };

    // Words that name how a product comes rather than what it is: in "Mini Light Set" and "Faucet Repair Kit"
    // the word before them is the head too.
    private static readonly HashSet<string> Packaging = new(StringComparer.Ordinal)
    {
        "set", "sets", "kit", "kits", "pack", "packs", "combo", "bundle", "assortment", "package",
    };

    // The span of the head word in `text` (with the word before it when the head is a packaging word such as
    // "set" or "kit"), or null when it has no word.
    public static (int Start, int End)? Find(string text)
    {
        var tokens = new List<ProductTokenizer.RawToken>();
        ProductTokenizer.Tokenize(text, tokens);
        (int Start, int End)? head = null;
        (int Start, int End)? before = null;
        var previousEnd = 0;
        var previousWord = false;
        foreach (var token in tokens)
        {
            if (token.PositionIncrement == 0) continue;
            if (head is not null && (BreaksAt(text, previousEnd, token.Start) || (token.Type == ProductTokenizer.WordType && Boundaries.Contains(token.Text))))
                break;
            var word = token.Type == ProductTokenizer.WordType && token.Text.Length >= 2 && !Boundaries.Contains(token.Text);
            if (word)
            {
                before = previousWord && head is { } h ? h : null;
                head = (token.Start, token.End);
            }
            previousWord = word;
            previousEnd = token.End;
        }
        if (head is { } found && before is { } first && Packaging.Contains(text[found.Start..found.End].ToLowerInvariant()))
            return (first.Start, found.End);
        return head;
    }

    public static string Of(string text) => Find(text) is var (start, end) ? text[start..end] : "";

    // A bracket, comma or a dash between spaces ends the name: "(2-Pack)", ", White", " - Black".
    private static bool BreaksAt(string text, int from, int to)
    {
        for (var k = from; k < to && k < text.Length; k++)
        {
            var c = text[k];
            if (c is '(' or '[' or ',' or ';' or '|') return true;
            if (c is '-' or '\u2013' && k > 0 && text[k - 1] == ' ' && k + 1 < text.Length && text[k + 1] == ' ') return true;
        }
        return false;
    }
}
