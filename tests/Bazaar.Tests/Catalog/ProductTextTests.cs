using Bazaar.Catalog;
using Xunit;

namespace Bazaar.Tests.Catalog;

public sealed class ProductTextTests
{
    [Theory]
    [InlineData("Intel® Core™2 Duo Processor E8200 <br />(6M Cache, 2.66 GHz)", "Intel® Core™2 Duo Processor E8200\n(6M Cache, 2.66 GHz)")]
    [InlineData("<ul><li>Lexmark X463H11G Toner</li><li>Yield : 9,000</li></ul>", "Lexmark X463H11G Toner\nYield : 9,000")]
    [InlineData("<p>One</p>\n\n<p>  Two   words </p>", "One\nTwo words")]
    [InlineData("Kit, Phaser 8560MFP <strong>This item will not work with the Phaser 8500.</strong>", "Kit, Phaser 8560MFP This item will not work with the Phaser 8500.")]
    [InlineData("90&deg; Down Angled, Briggs &amp; Stratton, Men&#39;s, &#1057;artridge", "90° Down Angled, Briggs & Stratton, Men's, Сartridge")]
    [InlineData("<div><img src=\"a.gif\" title=\"Block > Diagram\" /><img src='b.gif' /></div>", "")]
    [InlineData("Cable<script>alert(1)</script> <style>p { color: red }</style>kit<!-- note -->", "Cable kit")]
    [InlineData("Latency <5 ms, size < 10 in., 3<4", "Latency <5 ms, size < 10 in., 3<4")]
    [InlineData("  plain   text  ", "plain text")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void An_html_fragment_becomes_plain_lines(string? fragment, string expected) =>
        Assert.Equal(expected, ProductText.FromHtml(fragment));

    [Fact]
    public void A_title_stays_on_one_line() =>
        Assert.Equal("Toner Black 1 pc(s)", ProductText.LineFromHtml("Toner<br>Black <p>1 pc(s)</p>"));
}
