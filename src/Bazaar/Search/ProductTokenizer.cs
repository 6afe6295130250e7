using System.Globalization;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.TokenAttributes;

namespace Bazaar.Search;

// Splits product text the way shoppers write it. Beyond plain words it knows:
// - model numbers and other letter/digit mixes ("E5320", "cat5e", "2x4"): the whole, plus its parts;
// - joined words ("Strong-Tie", "RJ-45", "Wi-Fi"): the parts, plus the parts run together ("strongtie");
// - numbers: "1,000" is 1000, "2.50" is 2.5, "1/2" is kept whole (and also read as 0.5);
// - units after a number, however written ("6 ft", "6-ft", "6ft", "6'", "6 feet"): the number, the unit's
//   one spelling ("ft"), and the two joined ("6ft"), so every spelling meets every other.
// Joined forms sit at the position of their first part, so phrases over the parts still match.
public sealed class ProductTokenizer : Tokenizer
{
    public const string WordType = "<WORD>";
    public const string NumberType = "<NUM>";
    public const string UnitType = "<UNIT>";
    public const string JoinedType = "<JOINED>";

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private readonly ITypeAttribute _type;
    private readonly IKeywordAttribute _keyword;
    private readonly List<RawToken> _tokens = [];
    private int _next;
    private int _finalOffset;

    public ProductTokenizer(TextReader input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _keyword = AddAttribute<IKeywordAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_next >= _tokens.Count) return false;
        ClearAttributes();
        var token = _tokens[_next++];
        _term.SetEmpty().Append(token.Text);
        _offset.SetOffset(CorrectOffset(token.Start), CorrectOffset(token.End));
        _position.PositionIncrement = token.PositionIncrement;
        _type.Type = token.Type;
        // Numbers, units and model numbers are not English words, nor is a number written out ("one" is not
        // "on"): the stemmer must leave them alone.
        _keyword.IsKeyword = token.Type != WordType || NumberWords.ContainsKey(token.Text);
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        // Lucene's reusable reader answers null, not "", for an empty text.
        var text = m_input.ReadToEnd() ?? "";
        _tokens.Clear();
        Tokenize(text, _tokens);
        _next = 0;
        _finalOffset = CorrectOffset(text.Length);
    }

    public override void End()
    {
        base.End();
        _offset.SetOffset(_finalOffset, _finalOffset);
    }

    internal readonly record struct RawToken(string Text, int Start, int End, int PositionIncrement, string Type);

    private enum PieceKind
    {
        Word,
        Number,
        Mixed,
        Unit,
    }

    // Word: the number word a number was written as ("six" for 6), kept as a word too.
    private sealed record Piece(string Text, int Start, int End, PieceKind Kind, bool JoinedToNext, string? Word = null);

    internal static void Tokenize(string text, List<RawToken> output)
    {
        var pieces = new List<Piece>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            var chunkStart = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            ReadPieces(text, chunkStart, i, pieces);
        }
        Emit(pieces, output);
        JoinDimensions(output);
    }

    // A chunk is a run without whitespace; its pieces are letter/digit runs. Pieces separated by one joining
    // character ("-", "/", "_", "." or "+") belong together and are also emitted run together.
    private static void ReadPieces(string text, int start, int end, List<Piece> pieces)
    {
        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (!char.IsLetterOrDigit(c))
            {
                if (IsInchMark(c) || IsFootMark(c))
                {
                    // 6' and 12" are feet and inches when they follow a number.
                    if (pieces.Count > 0 && pieces[^1].End == i && pieces[^1].Kind == PieceKind.Number)
                    {
                        MarkNotJoined(pieces);
                        pieces.Add(new Piece(IsFootMark(c) ? "ft" : "in", i, i + 1, PieceKind.Unit, false));
                    }
                }
                else if (pieces.Count > 0 && pieces[^1].End == i && !IsJoiner(c))
                {
                    MarkNotJoined(pieces);
                }
                i++;
                continue;
            }

            var pieceStart = i;
            var sb = new StringBuilder();
            while (i < end)
            {
                c = text[i];
                if (char.IsLetterOrDigit(c))
                {
                    sb.Append(c);
                    i++;
                }
                else if ((c == '.' || c == ',') && i + 1 < end && char.IsDigit(text[i + 1]) && sb.Length > 0 && char.IsDigit(sb[^1]))
                {
                    // 1.9 and 5,000 are numbers, not two pieces; a thousands comma is dropped.
                    if (c == '.') sb.Append('.');
                    i++;
                }
                else if (c == '/' && i + 1 < end && char.IsDigit(text[i + 1]) && sb.Length > 0 && char.IsDigit(sb[^1]) && IsAllDigits(sb))
                {
                    sb.Append('/');
                    i++;
                }
                else if ((c == '\'' || c == '\u2019') && i + 1 < end && char.IsLetter(text[i + 1]) && sb.Length > 0 && char.IsLetter(sb[^1]))
                {
                    // Men's -> men, don't -> dont.
                    if ((text[i + 1] == 's' || text[i + 1] == 'S') && (i + 2 >= end || !char.IsLetterOrDigit(text[i + 2]))) { i += 2; break; }
                    i++;
                }
                else break;
            }
            var raw = Fold(sb.ToString().ToLowerInvariant());
            if (raw.Length == 0) continue;
            // "one piece" and "1-piece", "two-light" and "2-light" are the same product; the word stays a word too.
            string? word = null;
            if (NumberWords.TryGetValue(raw, out var digits)) (word, raw) = (raw, digits);
            var joined = i < end && IsJoiner(text[i]) && i + 1 < end && char.IsLetterOrDigit(text[i + 1]);
            pieces.Add(new Piece(raw, pieceStart, i, Classify(raw), joined, word));
        }
        MarkNotJoined(pieces);
    }

    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6",
        ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10", ["twelve"] = "12",
        // Not "single", "double" or "triple": a double oven, sink or door is a kind, not two of something
        // (relevance-dev NDCG@10 0.4406 with them read as numbers too, 0.4410 without).
    };

    private static bool IsJoiner(char c) => c is '-' or '/' or '_' or '.' or '+' or '\u2013';

    private static bool IsInchMark(char c) => c is '"' or '\u201D' or '\u2033';

    private static bool IsFootMark(char c) => c is '\'' or '\u2019' or '\u2032';

    private static void MarkNotJoined(List<Piece> pieces)
    {
        if (pieces.Count > 0 && pieces[^1].JoinedToNext) pieces[^1] = pieces[^1] with { JoinedToNext = false };
    }

    private static bool IsAllDigits(StringBuilder sb)
    {
        for (var k = 0; k < sb.Length; k++)
            if (!char.IsDigit(sb[k])) return false;
        return true;
    }

    private static PieceKind Classify(string piece)
    {
        bool letters = false, digits = false;
        foreach (var c in piece)
        {
            if (char.IsDigit(c)) digits = true;
            else if (char.IsLetter(c)) letters = true;
        }
        return letters && digits ? PieceKind.Mixed : digits ? PieceKind.Number : PieceKind.Word;
    }

    private static string Fold(string text)
    {
        foreach (var c in text)
        {
            if (c >= 128) goto fold;
        }
        return text;
    fold:
        var input = text.ToCharArray();
        var output = new char[input.Length * 4];
        var length = ASCIIFoldingFilter.FoldToASCII(input, 0, output, 0, input.Length);
        return new string(output, 0, length);
    }

    // Positions: every word, number and unit takes one; joined forms are stacked on their first part.
    private static void Emit(List<Piece> pieces, List<RawToken> output)
    {
        string? previousNumber = null;
        var previousNumberIndex = -1;
        var groupStart = -1;
        var group = new List<string>();
        var groupAllNumeric = true;

        for (var p = 0; p < pieces.Count; p++)
        {
            var piece = pieces[p];
            if (groupStart < 0) { groupStart = output.Count; group.Clear(); groupAllNumeric = true; }

            if (piece.Kind == PieceKind.Mixed)
            {
                var parts = SplitMixed(piece.Text);
                var firstIndex = output.Count;
                string? number = null;
                for (var k = 0; k < parts.Count; k++)
                {
                    var part = parts[k];
                    var isNumber = char.IsDigit(part[0]);
                    if (isNumber)
                    {
                        output.Add(new RawToken(NormalizeNumber(part), piece.Start, piece.End, 1, NumberType));
                        number = NormalizeNumber(part);
                        continue;
                    }
                    if (number is not null && Units.Canonical(part, afterNumber: true) is { } unit)
                        output.Add(new RawToken(unit, piece.Start, piece.End, 1, UnitType));
                    else
                        output.Add(new RawToken(part, piece.Start, piece.End, 1, WordType));
                    number = null;
                }
                // The whole model number ("e5320"), or the number and unit joined in one spelling ("3ft").
                var whole = parts.Count == 2 && char.IsDigit(parts[0][0]) && Units.Canonical(parts[1], afterNumber: true) is { } u
                    ? NormalizeNumber(parts[0]) + u
                    : piece.Text;
                output.Insert(firstIndex + 1, new RawToken(whole, piece.Start, piece.End, 0, JoinedType));
                group.Add(whole);
                groupAllNumeric = false;
                previousNumber = char.IsDigit(parts[^1][0]) ? NormalizeNumber(parts[^1]) : null;
                previousNumberIndex = previousNumber is null ? -1 : output.Count - 1;
            }
            else if (piece.Kind == PieceKind.Number)
            {
                var number = NormalizeNumber(piece.Text);
                output.Add(new RawToken(number, piece.Start, piece.End, 1, NumberType));
                if (FractionValue(piece.Text) is { } value)
                    output.Add(new RawToken(value, piece.Start, piece.End, 0, NumberType));
                group.Add(number);
                previousNumber = number;
                previousNumberIndex = output.Count - 1;
                // "six" is the number 6 first ("six-panel" is "6-panel"), and the word too.
                if (piece.Word is { } word) output.Add(new RawToken(word, piece.Start, piece.End, 0, WordType));
            }
            else
            {
                var unit = previousNumber is not null ? Units.Canonical(piece.Text, afterNumber: true) : Units.Canonical(piece.Text, afterNumber: false);
                if (unit is not null && piece.Kind == PieceKind.Unit) unit = piece.Text;
                if (unit is not null)
                {
                    output.Add(new RawToken(unit, piece.Start, piece.End, 1, UnitType));
                    if (previousNumber is not null)
                    {
                        // "6 ft": the joined "6ft" goes with the number, where "6ft" and "6-ft" put it too.
                        var joinedUnit = previousNumber + unit;
                        var at = previousNumberIndex + 1;
                        if (!StackedAt(output, previousNumberIndex).Contains(joinedUnit))
                            output.Insert(at, new RawToken(joinedUnit, output[previousNumberIndex].Start, piece.End, 0, JoinedType));
                    }
                    group.Add(unit);
                    groupAllNumeric = false;
                }
                else
                {
                    output.Add(new RawToken(piece.Text, piece.Start, piece.End, 1, WordType));
                    group.Add(piece.Text);
                    groupAllNumeric = false;
                }
                previousNumber = null;
                previousNumberIndex = -1;
            }

            if (!piece.JoinedToNext)
            {
                // "Strong-Tie" -> also "strongtie"; "RJ-45" -> "rj45". Ranges such as "120-240" stay apart.
                if (group.Count > 1 && !groupAllNumeric)
                {
                    var joined = string.Concat(group);
                    var first = output[groupStart];
                    if (!StackedAt(output, groupStart).Contains(joined))
                        output.Insert(groupStart + 1, new RawToken(joined, first.Start, piece.End, 0, JoinedType));
                }
                groupStart = -1;
            }
        }
    }

    // "2 in. x 4 in.", "2 x 4" and "2-in. x 4-in." also read as "2x4", as the catalogue and shoppers both write it.
    private static void JoinDimensions(List<RawToken> output)
    {
        var heads = new List<int>();
        for (var k = 0; k < output.Count; k++)
            if (k == 0 || output[k].PositionIncrement > 0) heads.Add(k);
        var joins = new List<(int At, RawToken Token)>();
        for (var h = 0; h < heads.Count; h++)
        {
            var first = output[heads[h]];
            if (first.Type != NumberType) continue;
            var next = h + 1;
            if (next < heads.Count && output[heads[next]].Type == UnitType) next++;
            if (next + 1 >= heads.Count || output[heads[next]].Text != "x" || output[heads[next + 1]].Type != NumberType) continue;
            var second = output[heads[next + 1]];
            var joined = first.Text + "x" + second.Text;
            if (!StackedAt(output, heads[h]).Contains(joined))
                joins.Add((heads[h] + 1, new RawToken(joined, first.Start, second.End, 0, JoinedType)));
        }
        for (var k = joins.Count - 1; k >= 0; k--) output.Insert(joins[k].At, joins[k].Token);
    }

    // The terms sharing the position of the token at `index` (it and the stacked ones after it).
    private static IEnumerable<string> StackedAt(List<RawToken> tokens, int index)
    {
        yield return tokens[index].Text;
        for (var k = index + 1; k < tokens.Count && tokens[k].PositionIncrement == 0; k++) yield return tokens[k].Text;
    }

    private static List<string> SplitMixed(string text)
    {
        var parts = new List<string>();
        var start = 0;
        for (var k = 1; k <= text.Length; k++)
        {
            if (k == text.Length || (IsNumberChar(text[k]) != IsNumberChar(text[k - 1]) && !(text[k] is '.' or '/')))
            {
                parts.Add(text[start..k]);
                start = k;
            }
        }
        return parts;
    }

    private static bool IsNumberChar(char c) => char.IsDigit(c) || c is '.' or '/';

    // "2.50" -> "2.5", "2.0" -> "2", "007" stays "007" (leading zeros belong to model numbers).
    internal static string NormalizeNumber(string number)
    {
        if (!number.Contains('.', StringComparison.Ordinal)) return number;
        var trimmed = number.TrimEnd('0').TrimEnd('.');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    private static string? FractionValue(string number)
    {
        var slash = number.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) return null;
        if (!double.TryParse(number[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var top)
            || !double.TryParse(number[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bottom)
            || bottom == 0) return null;
        return NormalizeNumber((top / bottom).ToString("0.###", CultureInfo.InvariantCulture));
    }
}

// One spelling per unit of measure. Ambiguous spellings ("in", "a", "m", "w") count as units only after a number.
internal static class Units
{
    private static readonly Dictionary<string, string> Always = new(StringComparer.Ordinal)
    {
        ["ft"] = "ft", ["feet"] = "ft", ["foot"] = "ft",
        ["inch"] = "in", ["inches"] = "in",
        ["yd"] = "yd", ["yds"] = "yd", ["yard"] = "yd", ["yards"] = "yd",
        ["mm"] = "mm", ["millimeter"] = "mm", ["millimeters"] = "mm", ["millimetre"] = "mm", ["millimetres"] = "mm",
        ["cm"] = "cm", ["centimeter"] = "cm", ["centimeters"] = "cm", ["centimetre"] = "cm", ["centimetres"] = "cm",
        ["meter"] = "m", ["meters"] = "m", ["metre"] = "m", ["metres"] = "m",
        ["gal"] = "gal", ["gallon"] = "gal", ["gallons"] = "gal",
        ["qt"] = "qt", ["quart"] = "qt", ["quarts"] = "qt",
        ["oz"] = "oz", ["ounce"] = "oz", ["ounces"] = "oz",
        ["lb"] = "lb", ["lbs"] = "lb", ["pound"] = "lb", ["pounds"] = "lb",
        ["volt"] = "v", ["volts"] = "v",
        ["watt"] = "w", ["watts"] = "w",
        ["amp"] = "amp", ["amps"] = "amp", ["ampere"] = "amp", ["amperes"] = "amp",
        ["gb"] = "gb", ["tb"] = "tb", ["mb"] = "mb",
        ["ghz"] = "ghz", ["mhz"] = "mhz", ["hz"] = "hz",
        ["mah"] = "mah", ["kw"] = "kw", ["btu"] = "btu", ["psi"] = "psi", ["gpm"] = "gpm", ["awg"] = "awg",
        ["gauge"] = "gauge",
        ["pcs"] = "pc",
        ["sqft"] = "sqft",
    };

    private static readonly Dictionary<string, string> AfterNumber = new(StringComparer.Ordinal)
    {
        ["in"] = "in", ["m"] = "m", ["w"] = "w", ["v"] = "v", ["a"] = "amp", ["ga"] = "gauge", ["g"] = "g",
        ["pc"] = "pc", ["pk"] = "pack", ["pack"] = "pack", ["piece"] = "pc", ["pieces"] = "pc", ["kg"] = "kg", ["l"] = "l",
    };

    public static string? Canonical(string word, bool afterNumber) =>
        Always.TryGetValue(word, out var unit) ? unit
        : afterNumber && AfterNumber.TryGetValue(word, out unit) ? unit
        : null;
}
