using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace Bazaar.Web.Components.Admin;

public sealed record ChartPoint(string Label, decimal Value, string ValueText);

// Charts drawn on the server as SVG: no script, readable without colour. Every bar and point carries its value as
// text, bars are hatched and outlined (not told apart by hue), and the SVG has a title and a description for screen
// readers; the page puts the same figures in a table next to it.
public static class SvgChart
{
    private const int Width = 720;
    private const int Height = 260;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 24;
    private const int Bottom = 48;

    public static MarkupString Columns(string id, string title, string description, IReadOnlyList<ChartPoint> points) =>
        Draw(id, title, description, points, line: false);

    public static MarkupString Line(string id, string title, string description, IReadOnlyList<ChartPoint> points) =>
        Draw(id, title, description, points, line: true);

    // Horizontal bars, one per row, with the label on the left and the value at the bar's end.
    public static MarkupString Bars(string id, string title, string description, IReadOnlyList<ChartPoint> points)
    {
        const int row = 26;
        const int labelWidth = 260;
        var height = Math.Max(1, points.Count) * row + 16;
        var max = Math.Max(points.Count == 0 ? 0 : points.Max(p => p.Value), 1m);
        var plot = Width - labelWidth - 80;
        var svg = Open(id, title, description, Width, height);
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var y = 8 + i * row;
            var w = (double)(p.Value / max) * plot;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 8}\" y=\"{y + 16}\" text-anchor=\"end\" class=\"chart-label\">{Enc(Shorten(p.Label, 40))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{Num(Math.Max(w, 1))}\" height=\"{row - 8}\" fill=\"url(#{id}-hatch)\" stroke=\"currentColor\" stroke-width=\"1.5\"><title>{Enc(p.Label)}: {Enc(p.ValueText)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Num(labelWidth + w + 6)}\" y=\"{y + 16}\" class=\"chart-value\">{Enc(p.ValueText)}</text>");
        }
        return Close(svg);
    }

    private static MarkupString Draw(string id, string title, string description, IReadOnlyList<ChartPoint> points, bool line)
    {
        var svg = Open(id, title, description, Width, Height);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var max = NiceMax(points.Count == 0 ? 0 : points.Max(p => p.Value));
        // Four gridlines with their values, so a bar's height can be read off the axis too.
        for (var g = 0; g <= 4; g++)
        {
            var value = max * g / 4;
            var y = Top + plotHeight - (double)(value / max) * plotHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Num(y)}\" y2=\"{Num(y)}\" class=\"chart-grid\" stroke=\"currentColor\" stroke-opacity=\"0.2\" stroke-dasharray=\"3 3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Num(y + 4)}\" text-anchor=\"end\" class=\"chart-axis\">{Enc(Axis(value))}</text>");
        }
        var step = points.Count == 0 ? plotWidth : (double)plotWidth / points.Count;
        // Every label when they fit, otherwise every n-th (the table has them all).
        var labelEvery = Math.Max(1, (int)Math.Ceiling(points.Count * 44.0 / plotWidth));
        var valuesFit = step >= 30;
        var path = new StringBuilder();
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var x = Left + i * step;
            var h = (double)(p.Value / max) * plotHeight;
            var y = Top + plotHeight - h;
            var tip = $"<title>{Enc(p.Label)}: {Enc(p.ValueText)}</title>";
            if (line)
            {
                var cx = x + step / 2;
                path.Append(path.Length == 0 ? "M" : " L").Append(Num(cx)).Append(' ').Append(Num(y));
                // Square markers: a shape, not a colour, marks each day.
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Num(cx - 4)}\" y=\"{Num(y - 4)}\" width=\"8\" height=\"8\" fill=\"currentColor\">{tip}</rect>");
                if (valuesFit) svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Num(cx)}\" y=\"{Num(y - 9)}\" text-anchor=\"middle\" class=\"chart-value\">{Enc(p.ValueText)}</text>");
            }
            else
            {
                var w = Math.Max(step * 0.7, 1);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Num(x + (step - w) / 2)}\" y=\"{Num(y)}\" width=\"{Num(w)}\" height=\"{Num(Math.Max(h, 0.5))}\" fill=\"url(#{id}-hatch)\" stroke=\"currentColor\" stroke-width=\"1.5\">{tip}</rect>");
                if (valuesFit) svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Num(x + step / 2)}\" y=\"{Num(y - 5)}\" text-anchor=\"middle\" class=\"chart-value\">{Enc(p.ValueText)}</text>");
            }
            if (i % labelEvery == 0)
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Num(x + step / 2)}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\" class=\"chart-axis\">{Enc(p.Label)}</text>");
        }
        if (line && path.Length > 0) svg.Insert(svg.ToString().IndexOf("</defs>", StringComparison.Ordinal) + 7,
            $"<path d=\"{path}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\" stroke=\"currentColor\"/>");
        return Close(svg);
    }

    private static StringBuilder Open(string id, string title, string description, int width, int height)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{Enc(id)}\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" ");
        svg.Append(CultureInfo.InvariantCulture, $"aria-labelledby=\"{Enc(id)}-title {Enc(id)}-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{Enc(id)}-title\">{Enc(title)}</title><desc id=\"{Enc(id)}-desc\">{Enc(description)}</desc>");
        svg.Append(CultureInfo.InvariantCulture, $"<defs><pattern id=\"{Enc(id)}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">");
        svg.Append("<rect width=\"6\" height=\"6\" fill=\"white\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"currentColor\" stroke-width=\"3\"/></pattern></defs>");
        return svg;
    }

    private static MarkupString Close(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    // A round top for the axis: 1, 2 or 5 times a power of ten, at least the largest value.
    private static decimal NiceMax(decimal max)
    {
        if (max <= 0) return 1;
        var power = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)max)));
        foreach (var m in new[] { 1m, 2m, 5m, 10m })
            if (m * power >= max) return m * power;
        return 10 * power;
    }

    private static string Axis(decimal value) =>
        value >= 10_000 ? (value / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k" : value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Num(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Enc(string text) => WebUtility.HtmlEncode(text);

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
