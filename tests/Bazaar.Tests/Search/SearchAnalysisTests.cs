using Bazaar.Search;

namespace Bazaar.Tests.Search;

// The product analyzer and the query side, with no host and no database: a small index in a temp folder.
public class SearchAnalysisTests
{
    private static List<string> Terms(string text) => ProductAnalyzer.Index.Analyze(text).Select(t => t.Term).ToList();

    [Theory]
    [InlineData("Lexmark 08A0476 toner", "08a0476")]
    [InlineData("Intel Xeon E5320 processor", "e5320")]
    [InlineData("UTP Cat5E patch cable", "cat5e")]
    [InlineData("StarTech.com RJ-45 connector", "rj45")]
    [InlineData("Simpson Strong-Tie 12-Gauge Angle", "strongtie")]
    public void Model_numbers_and_joined_words_are_kept_whole(string text, string expected) =>
        Assert.Contains(expected, Terms(text));

    [Theory]
    [InlineData("3 ft cable")]
    [InlineData("3-ft cable")]
    [InlineData("3ft cable")]
    [InlineData("3' cable")]
    [InlineData("3 feet cable")]
    [InlineData("3 foot cable")]
    public void Every_spelling_of_a_length_meets_every_other(string text)
    {
        var terms = Terms(text);
        Assert.Contains("3", terms);
        Assert.Contains("ft", terms);
        Assert.Contains("3ft", terms);
        Assert.Contains("cable", terms);
    }

    [Fact]
    public void Inches_gallons_and_dimensions_have_one_spelling()
    {
        Assert.Contains("12in", Terms("12\" monitor arm"));
        Assert.Contains("12in", Terms("12 inch monitor arm"));
        Assert.Contains("5gal", Terms("5 gallons bucket"));
        Assert.Contains("2x4", Terms("2 in. x 4 in. x 8 ft. lumber"));
        Assert.Contains("2x4", Terms("2x4 lumber"));
    }

    [Fact]
    public void Numbers_keep_their_value()
    {
        Assert.Contains("1.9", Terms("1.9 cu. ft. microwave"));
        Assert.Contains("2.5", Terms("2.50 mm"));
        Assert.Contains("5000", Terms("5,000 BTU"));
        var half = Terms("1/2 in. pipe");
        Assert.Contains("1/2", half);
        Assert.Contains("0.5", half);
        Assert.DoesNotContain("12", half);
        Assert.Contains("1", Terms("one piece toilet"));
        Assert.Contains("one", Terms("one piece toilet"));
    }

    [Fact]
    public void Double_is_a_word_not_the_number_two()
    {
        Assert.Contains("double", Terms("double doors"));
        Assert.DoesNotContain("2", Terms("double doors"));
        using var index = Index(("Steel 2-Panel Prehung Door", 1), ("Vinyl Double Hung Window", 2));
        Assert.Equal([2], index.Run("double").ProductIds);
    }

    [Theory]
    [InlineData("cables", "cable")]
    [InlineData("batteries", "battery")]
    [InlineData("Men's", "men")]
    [InlineData("Café", "cafe")]
    [InlineData("switches", "switch")]
    [InlineData("boxes", "box")]
    [InlineData("brushes", "brush")]
    [InlineData("glasses", "glass")]
    [InlineData("shelves", "shelf")]
    [InlineData("sizes", "size")]
    [InlineData("valves", "valve")]
    [InlineData("houses", "house")]
    [InlineData("niches", "niche")]
    public void Plurals_possessives_and_accents_are_folded(string word, string expected) =>
        Assert.Equal([expected], Terms(word));

    [Fact]
    public void Neighbouring_title_words_are_also_indexed_run_together() =>
        Assert.Contains("showerhead", Terms("Chrome shower head"));

    [Fact]
    public void A_misspelt_word_finds_the_product_and_is_corrected()
    {
        using var index = Index(("HDMI cable 2 m", 1), ("USB cable 1 m", 2), ("Laser printer", 3), ("Cable ties", 4), ("Power cable", 5));
        var result = index.Run("cabel");
        Assert.Contains(1, result.ProductIds);
        Assert.Equal("cable", result.Correction);
        Assert.Empty(index.Run("printr hdmi").ProductIds.Intersect([2, 4, 5]));
        Assert.Equal([3], index.Run("lazer printer").ProductIds.Take(1));
    }

    [Fact]
    public void A_misspelt_word_is_corrected_to_the_spelling_found_with_the_other_words()
    {
        using var index = Index(("Scissor lift", 1), ("Pallet lift", 2), ("Lift table", 3), ("Light fixture cover", 4), ("Fixture bracket", 5));
        var result = index.Run("ligt fixture");
        Assert.Equal("light fixture", result.Correction);
        Assert.Equal([4], result.ProductIds.Take(1));
        Assert.Equal("lift", index.Run("ligt").Correction);
    }

    [Fact]
    public void An_unknown_word_is_read_as_a_spelling_before_two_words_run_together()
    {
        using var index = Index(("Oak flooring", 1), ("Vinyl sheet flooring", 2), ("Floor lamp", 3), ("INH relay", 4));
        Assert.Equal("sheet flooring", index.Run("sheet floorinh").Correction);
    }

    [Fact]
    public void Synonyms_apply_both_ways_and_only_when_configured()
    {
        using var index = Index(("Samsung 55 in. television", 1), ("Wall mount for TV", 2));
        Assert.Equal([1, 2], index.Run("tv", "tv, television").ProductIds.Order());
        Assert.Equal([1, 2], index.Run("television", "tv, television").ProductIds.Order());
        Assert.Equal([2], index.Run("tv").ProductIds);
    }

    [Fact]
    public void Compounds_match_however_they_are_written()
    {
        using var index = Index(("Chrome showerhead", 1), ("Brass shower head", 2));
        Assert.Equal([1, 2], index.Run("shower head").ProductIds.Order());
        Assert.Equal([1, 2], index.Run("showerhead").ProductIds.Order());
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("*")]
    [InlineData("AND(")]
    [InlineData("\\")]
    [InlineData("title:cable OR")]
    [InlineData("cable~2 ^3 [1 TO 5]")]
    [InlineData("")]
    [InlineData("   ")]
    public void Query_syntax_is_searched_literally(string text)
    {
        using var index = Index(("HDMI cable", 1), ("Cable AND adapter", 2));
        var result = index.Run(text);
        Assert.True(result.Total >= 0);
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("\U0001F600")]
    [InlineData("?? -- ...")]
    [InlineData("\u2122 \u00ae")]
    public void A_query_with_no_letters_or_digits_is_empty(string text)
    {
        Assert.Equal("", SearchEngine.Normalize(text));
        using var index = Index(("HDMI cable", 1), ("USB cable", 2));
        Assert.Equal("", index.Run(text).Text);
    }

    [Fact]
    public void Field_like_syntax_is_searched_as_words_and_not_corrected()
    {
        // "title" is rare here and "tile" common: the spelling check must not turn "title:" into "tile:".
        using var index = Index(("Ceramic tile", 1), ("Floor tile", 2), ("Wall tile", 3), ("HP LaserJet printer", 4), ("HP toner", 5),
            ("Porcelain tile", 6), ("Tile spacers", 7));
        var result = index.Run("title:hp");
        Assert.Null(result.Correction);
        Assert.Equal([4, 5], result.ProductIds.Order());
    }

    [Fact]
    public void A_very_long_query_is_cut_not_refused()
    {
        using var index = Index(("HDMI cable", 1));
        Assert.Equal([1], index.Run("hdmi " + new string('x', 5000)).ProductIds);
    }

    [Fact]
    public void The_title_highlight_marks_matched_words_and_encodes_the_rest() =>
        Assert.Equal("<mark>Cables</mark> &amp; <mark>6 ft</mark> &lt;b&gt;",
            TitleHighlighter.Html("Cables & 6 ft <b>", new HashSet<string> { "cable", "6", "ft", "6ft" }));

    [Theory]
    [InlineData("Honeywell 16 in. Oscillating Stand Fan in White with Remote", "Fan")]
    [InlineData("Cooper Bussmann Fuse Puller", "Puller")]
    [InlineData("DANCO Bath Faucet Repair Kit for Delta", "Repair Kit")]
    [InlineData("Home Accents Holiday 100-Light Blue Mini Light Set", "Light Set")]
    [InlineData("washer dryer set", "dryer set")]
    [InlineData("Philips 60W Equivalent Soft White LED Light Bulb (4-Pack)", "Bulb")]
    [InlineData("Whirlpool 30 in. W 18.2 cu. ft. Top Freezer Refrigerator in White", "Refrigerator")]
    [InlineData("Leviton 15-Amp Toggle Switch - Gray", "Switch")]
    [InlineData("blinds for patio doors", "blinds")]
    [InlineData("3 inch pipe", "pipe")]
    [InlineData("12 x 24", "")]
    public void The_head_word_is_the_last_word_before_what_qualifies_it(string title, string head) =>
        Assert.Equal(head, TitleHead.Of(title));

    [Fact]
    public void A_product_that_is_the_thing_asked_for_ranks_above_its_accessories()
    {
        using var index = Index(("Bussmann Fuse Puller", 1), ("Bussmann 30-Amp Time Delay Fuse", 2), ("Fuse Box Cover", 3));
        Assert.Equal(2, index.Run("fuse").ProductIds[0]);
    }

    [Fact]
    public void A_rare_synonym_does_not_outrank_the_word_itself()
    {
        // "cable" is common and "cord" rare: scored on its own rarity the short cord title would come first.
        var cables = Enumerable.Range(1, 30).Select(k => ($"Brand{k} shielded network cable {k} m", k));
        using var index = Index([.. cables, ("Telephone cord", 100)]);
        var cable = index.Run("cable", "cord, cable");
        Assert.NotEqual(100, cable.ProductIds[0]);
        Assert.Equal(31, cable.Total);
    }

    [Fact]
    public void A_word_also_matches_its_stem_but_below_the_word_itself()
    {
        using var index = Index(("Brass Light Fixture", 1), ("Kitchen Lighting Kit", 2), ("Garden Hose", 3));
        Assert.Equal([2, 1], index.Run("lighting").ProductIds);
        Assert.Equal([1, 2], index.Run("light").ProductIds);
        Assert.Contains("light", ProductAnalyzer.Index.Analyze("Kitchen Lighting", SearchFields.TitleStem).Select(t => t.Term));
    }

    [Fact]
    public void A_word_nearly_matches_by_its_runs_of_letters_without_the_spelling_check()
    {
        using var index = Index(("Plumbing tape", 1), ("Plum tree", 2), ("Garden hose", 3));
        var noSpellingCheck = RankingOptions.Default with { RareWordDocs = 0 };
        Assert.Equal([1], index.Run("plummbing", noSpellingCheck).ProductIds);
        Assert.Equal(["plu", "lum", "umb"], ProductAnalyzer.Index.Analyze("Plumb 2x4", SearchFields.TitleGrams).Select(t => t.Term));
    }

    [Fact]
    public void An_index_built_with_an_older_document_layout_is_known_as_such()
    {
        using var index = Index(("HDMI cable", 1));
        Assert.True(index.Search.PublishedHasCurrentLayout);
        var root = index.Search.Root;
        Directory.CreateDirectory(Path.Combine(root, "index-20240101000000000-abcdef"));
        File.WriteAllText(Path.Combine(root, "current"), "index-20240101000000000-abcdef");
        Assert.False(index.Search.PublishedHasCurrentLayout);
    }

    [Fact]
    public void An_attribute_whose_hits_are_split_over_segments_is_offered_once_together_they_reach_the_share()
    {
        var directory = Directory.CreateTempSubdirectory("bazaar-facet-segments.").FullName;
        try
        {
            using var index = new SearchIndex(directory, RankingOptions.Default);
            static SearchDocument Product(int id, string? colour) => SearchDocument.FromTitle(id, $"Widget {id}") with
            {
                Attributes = colour is null ? [] : [new SearchAttribute("colour", "Colour", colour, true)],
            };
            // 30 products, 4 with a colour: fewer than the fifth of the hits an attribute needs to be offered.
            using (var build = index.BeginBuild())
            {
                build.Add(Enumerable.Range(1, 30).Select(i => Product(i, i > 4 ? null : i % 2 == 0 ? "Red" : "Blue")));
                build.Publish(0);
            }
            index.OpenPublished();
            // Three more arrive as changes, in a segment of their own, two with a colour: 6 of 33, enough.
            index.Upsert([Product(31, "Red"), Product(32, "Blue"), Product(33, null)]);
            index.Refresh();

            using var lease = index.Acquire();
            Assert.Equal(2, lease.Searcher.IndexReader.Leaves.Count);
            var result = SearchEngine.Run(lease.Searcher, SynonymSet.Parse([]), RankingOptions.Default, "widget", new SearchFilters(), SearchSort.Relevance, 10, StockSnapshot.None, countFacets: true);
            Assert.Equal(33, result.Total);
            var colour = Assert.Single(result.Attributes, a => a.Key == "colour");
            Assert.Equal([("Blue", 3), ("Red", 3)], colour.Values.OrderBy(v => v.Value));
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }

    [Fact]
    public void Of_equally_scored_matches_the_shorter_title_comes_first_then_the_newer()
    {
        // Eleven and twelve words: BM25 keeps a field's length in one byte, so all score the same for "widget".
        using var index = Index(
            ("Acme widget red blue green black white pink gold teal navy", 1),
            ("Acme widget red blue green black white pink gold teal navy gray", 2),
            ("Acme widget red blue green black white pink gold plum navy", 3));
        var result = index.Run("widget");
        Assert.Equal(result.Top[0].Score, result.Top[2].Score);
        Assert.Equal([3, 1, 2], result.ProductIds);
    }

    [Theory]
    [InlineData("shelving wood 2x12", new[] { "shelving", "wood", "2x12" })]
    [InlineData("2 x 4 stud", new[] { "2x4", "stud" })]
    [InlineData("lexmark e5320 toner", new[] { "lexmark", "e5320", "toner" })]
    [InlineData("6-panel door", new[] { "6panel", "door" })]
    [InlineData("6 ft ladder", new[] { "6", "ft", "ladder" })]
    [InlineData("six-panel door", new[] { "6panel", "door" })]
    [InlineData("3m36 bracket", new[] { "3m36", "bracket" })]
    [InlineData("2 in. x 4 in. stud", new[] { "2x4", "in", "stud" })]
    [InlineData("under-cabinet lighting", new[] { "under", "cabinet", "lighting" })]
    public void A_code_or_size_written_as_one_is_one_thing_asked_for(string text, string[] slots)
    {
        using var index = Index(("Anything", 1));
        using var lease = index.Search.Acquire();
        var plan = new SearchQueryBuilder(lease.Searcher.IndexReader, SynonymSet.Parse([]), RankingOptions.Default).Prepare(text);
        Assert.Equal(slots, plan.Slots.Select(s => s.Primary));
    }

    [Fact]
    public void The_parts_of_a_size_do_not_count_as_words_matched()
    {
        // Read as "2", "x" and "12", the size made the grate match four of five words and outrank the shelving.
        using var index = Index(("Wood Floor Register 2 in. x 12 in.", 1), ("Wood Shelving Unit", 2), ("Pine Board 2 in. x 12 in. x 8 ft.", 3));
        var ids = index.Run("shelving wood 2x12").ProductIds.ToList();
        Assert.True(ids.IndexOf(2) >= 0 && ids.IndexOf(2) < ids.IndexOf(1), string.Join(",", ids));
    }

    [Fact]
    public void A_rare_compound_does_not_outrank_both_words()
    {
        // "snapfence" is in one title, "snap" and "fence" in several: the compound counted its rarity for each word.
        using var index = Index(("SnapFence Welded Wire Panel", 1), ("Snap-In Aluminum Fence Panel", 2), ("Fence Post", 3), ("Fence Gate", 4), ("Snap Hook", 5));
        var ids = index.Run("snap fence").ProductIds.ToList();
        Assert.Equal(2, ids[0]);
        Assert.Contains(1, ids);
    }

    private static TestIndex Index(params (string Title, int Id)[] products) => new(products);

    private sealed class TestIndex : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("bazaar-search-test.").FullName;
        private readonly SearchIndex _index;

        public SearchIndex Search => _index;

        public TestIndex((string Title, int Id)[] products)
        {
            _index = new SearchIndex(_directory, RankingOptions.Default);
            using (var build = _index.BeginBuild())
            {
                build.Add(products.Select(p => SearchDocument.FromTitle(p.Id, p.Title)));
                build.Publish(0);
            }
            _index.OpenPublished();
        }

        public EngineResult Run(string text, params string[] synonyms) => Run(text, RankingOptions.Default, synonyms);

        public EngineResult Run(string text, RankingOptions ranking, params string[] synonyms)
        {
            using var lease = _index.Acquire();
            return SearchEngine.Run(lease.Searcher, SynonymSet.Parse(synonyms), ranking, text, new SearchFilters(), SearchSort.Relevance, 10, StockSnapshot.None, countFacets: true);
        }

        public void Dispose()
        {
            _index.Dispose();
            try { Directory.Delete(_directory, recursive: true); }
            catch (IOException) { }
        }
    }
}
