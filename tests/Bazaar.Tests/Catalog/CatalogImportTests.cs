using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Bazaar.Catalog;
using Bazaar.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Bazaar.Tests.Catalog;

public sealed class CatalogImportTests : IAsyncDisposable
{
    private static readonly string Sample = Path.Combine(AppContext.BaseDirectory, "Catalog", "sample-catalog.json");
    private const int SampleValid = 32;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bazaar-import-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly List<SqliteBazaarDb> _databases = [];

    public CatalogImportTests() => Directory.CreateDirectory(_directory);

    private SqliteBazaarDb NewDatabase()
    {
        var file = Path.Combine(_directory, $"catalog-{_databases.Count}.db");
        var db = SqliteBazaarDb.Create($"Data Source={file}");
        db.Database.EnsureCreated();
        _databases.Add(db);
        return db;
    }

    private CatalogImport Importer(BazaarDb db) =>
        new(db, _clock, NullLogger<CatalogImport>.Instance, new Bazaar.Platform.StoreCurrency(Microsoft.Extensions.Options.Options.Create(new Bazaar.Platform.StoreCurrencyOptions())));

    private async Task<(SqliteBazaarDb Db, ImportResult Result)> ImportSampleAsync()
    {
        var db = NewDatabase();
        var result = await Importer(db).ImportAsync(Sample, null, TestContext.Current.CancellationToken);
        return (db, result);
    }

    private static async Task<Product> ProductAsync(BazaarDb db, string externalId) =>
        await db.Products.AsNoTracking().Include(p => p.Attributes).Include(p => p.Category).ThenInclude(c => c!.Parent)
            .SingleAsync(p => p.ExternalId == externalId, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Importing_the_sample_creates_every_valid_product_and_skips_the_record_without_a_title()
    {
        var (db, result) = await ImportSampleAsync();

        Assert.Equal(SampleValid, result.Created);
        Assert.Equal(0, result.Updated);
        Assert.Equal(0, result.Unchanged);
        var skip = Assert.Single(result.Skipped);
        Assert.Equal("900000001", skip.ExternalId);
        Assert.Equal("missing title", skip.Reason);
        Assert.Equal(SampleValid, await db.Products.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(result.CategoriesCreated, await db.Categories.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Departments_have_no_parent_and_every_product_sits_in_a_leaf_below_one()
    {
        var (db, _) = await ImportSampleAsync();
        var categories = await db.Categories.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        var byId = categories.ToDictionary(c => c.Id);
        var used = await db.Products.Select(p => p.CategoryId).Distinct().ToListAsync(TestContext.Current.CancellationToken);

        Assert.InRange(categories.Count(c => c.ParentId is null), 10, 16);
        Assert.Equal(categories.Count, categories.Select(c => c.Slug).Distinct().Count());
        foreach (var id in used)
        {
            Assert.DoesNotContain(categories, c => c.ParentId == id);
            var leaf = byId[id];
            Assert.NotNull(leaf.ParentId);
            var department = byId[leaf.ParentId.Value];
            Assert.Null(department.ParentId);
        }
        // Only categories that hold products (or hold categories that do) are created.
        Assert.All(categories.Where(c => c.ParentId is not null), c => Assert.Contains(c.Id, used));
    }

    [Theory]
    [InlineData("69340", "Printers & Ink", "Toner Cartridges")]
    [InlineData("654304", "Printers & Ink", "Toner Cartridges")]
    [InlineData("285821", "Printers & Ink", "Ink Cartridges")]
    [InlineData("3924927", "Cables & Adapters", "Network Cables")]
    [InlineData("694166", "Cables & Adapters", "Network Cables")]
    [InlineData("4558533", "Computer Components", "Processors")]
    [InlineData("78604252", "Computers", "Laptops")]
    [InlineData("138806", "Paper & Office Supplies", "Labels")]
    [InlineData("78685766", "Toys & Games", "Playsets & Figures")]
    [InlineData("636618", "Everything Else", "Other Products")]
    public async Task Products_land_in_the_category_their_title_or_attributes_name(string externalId, string department, string category)
    {
        var (db, _) = await ImportSampleAsync();
        var product = await ProductAsync(db, externalId);
        Assert.Equal(category, product.Category!.Name);
        Assert.Equal(department, product.Category.Parent!.Name);
    }

    [Fact]
    public async Task A_product_keeps_its_catalogue_fields_and_typed_attributes()
    {
        var (db, _) = await ImportSampleAsync();
        var toner = await ProductAsync(db, "69340");

        Assert.Equal("IC-69340", toner.Sku);
        Assert.Equal("Lexmark", toner.Brand);
        Assert.Equal("08A0476", toner.Model);
        Assert.Equal("Lexmark 08A0476 toner cartridge Original Black 1 pc(s)", toner.Title);
        Assert.Equal("E320, E322 Return Program Print Cartridge", toner.Description);
        Assert.Equal(124.95m, toner.Price);
        Assert.Equal("USD", toner.Currency);
        Assert.Equal(new DateOnly(2005, 7, 15), toner.ReleasedOn);
        Assert.Equal(["0734646368735"], toner.Eans);
        Assert.Equal(3, toner.ImageUrls.Count);
        Assert.StartsWith("lexmark-08a0476-toner-cartridge", toner.Slug, StringComparison.Ordinal);
        Assert.EndsWith("-69340", toner.Slug, StringComparison.Ordinal);
        Assert.Equal(_clock.GetUtcNow(), toner.CreatedAt);

        var yield = Assert.Single(toner.Attributes, a => a.Key == "black_toner_page_yield");
        Assert.Equal(AttributeKind.Number, yield.Kind);
        Assert.Equal("Black toner page yield", yield.Name);
        Assert.NotNull(yield.Number);
        Assert.Equal(AttributeKind.Text, Assert.Single(toner.Attributes, a => a.Key == "print_technology").Kind);

        var ink = await ProductAsync(db, "285821");
        var colour = Assert.Single(ink.Attributes, a => a.Key == "colour");
        Assert.Equal(AttributeKind.Boolean, colour.Kind);
        Assert.True(colour.Boolean);
    }

    [Fact]
    public async Task A_key_given_both_as_yes_no_and_as_a_number_keeps_both_values()
    {
        var (db, _) = await ImportSampleAsync();
        var monitor = await ProductAsync(db, "663296");
        Assert.Equal(AttributeKind.Boolean, Assert.Single(monitor.Attributes, a => a.Key == "height_adjustment").Kind);
        Assert.Equal(AttributeKind.Number, Assert.Single(monitor.Attributes, a => a.Key == "height_adjustment_number").Kind);
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        var (db, first) = await ImportSampleAsync();
        var ct = TestContext.Current.CancellationToken;
        var before = (await db.Products.CountAsync(ct), await db.Categories.CountAsync(ct), await db.ProductAttributes.CountAsync(ct));
        var stamp = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromDays(1));

        var second = await Importer(db).ImportAsync(Sample, null, ct);

        Assert.Equal(0, second.Created);
        Assert.Equal(0, second.Updated);
        Assert.Equal(first.Created, second.Unchanged);
        Assert.Equal(0, second.CategoriesCreated);
        Assert.Single(second.Skipped);
        Assert.Equal(before, (await db.Products.CountAsync(ct), await db.Categories.CountAsync(ct), await db.ProductAttributes.CountAsync(ct)));
        Assert.All(await db.Products.AsNoTracking().ToListAsync(ct), p => Assert.Equal(stamp, p.UpdatedAt));
    }

    [Fact]
    public async Task A_changed_record_is_updated_and_the_rest_stay_unchanged()
    {
        var (db, _) = await ImportSampleAsync();
        var ct = TestContext.Current.CancellationToken;
        var records = JsonNode.Parse(await File.ReadAllTextAsync(Sample, ct))!.AsArray();
        var toner = records.Single(r => (string?)r!["id"] == "69340")!.AsObject();
        toner["price"] = 9995;
        toner.Remove("attr_t_compatibility");
        var changed = Path.Combine(_directory, "changed.json");
        await File.WriteAllTextAsync(changed, records.ToJsonString(), ct);
        _clock.Advance(TimeSpan.FromHours(2));

        var result = await Importer(db).ImportAsync(changed, null, ct);

        Assert.Equal((0, 1, SampleValid - 1), (result.Created, result.Updated, result.Unchanged));
        var product = await ProductAsync(db, "69340");
        Assert.Equal(99.95m, product.Price);
        Assert.DoesNotContain(product.Attributes, a => a.Key == "compatibility");
        Assert.Equal(_clock.GetUtcNow(), product.UpdatedAt);
        Assert.True(product.CreatedAt < product.UpdatedAt);
    }

    [Fact]
    public async Task Markup_in_a_record_is_imported_as_plain_text_and_a_value_of_only_markup_is_left_out()
    {
        var db = NewDatabase();
        var ct = TestContext.Current.CancellationToken;
        var records = JsonNode.Parse(await File.ReadAllTextAsync(Sample, ct))!.AsArray();
        var toner = records.Single(r => (string?)r!["id"] == "69340")!.AsObject();
        toner["title"] = "Lexmark 08A0476 toner cartridge <b>Original</b> Black 90&deg;";
        toner["short_description"] = "<ul><li>Return Program Print Cartridge</li><li>Yield: 3,000 &amp; more</li></ul>";
        toner["attr_t_images_type_map"] = "<div><img src=\"https://example.com/diagram.gif\" title=\"Block Diagram\" /></div>";
        toner["attr_t_receive_power"] = "270M: -70dBm<br>130M: -74dBm";
        var marked = Path.Combine(_directory, "marked.json");
        await File.WriteAllTextAsync(marked, records.ToJsonString(), ct);

        var result = await Importer(db).ImportAsync(marked, null, ct);

        Assert.Equal(SampleValid, result.Created);
        var product = await ProductAsync(db, "69340");
        Assert.Equal("Lexmark 08A0476 toner cartridge Original Black 90°", product.Title);
        Assert.Equal("Return Program Print Cartridge\nYield: 3,000 & more", product.Description);
        Assert.DoesNotContain(product.Attributes, a => a.Key == "images_type_map");
        Assert.Equal("270M: -70dBm\n130M: -74dBm", Assert.Single(product.Attributes, a => a.Key == "receive_power").Text);
        Assert.Equal("Toner Cartridges", product.Category!.Name);
    }

    [Fact]
    public async Task A_zip_and_a_gzip_of_the_sample_import_like_the_plain_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var zip = Path.Combine(_directory, "sample.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create)) archive.CreateEntryFromFile(Sample, "sample.json");
        var gzip = Path.Combine(_directory, "sample.json.gz");
        await using (var source = File.OpenRead(Sample))
        await using (var target = new GZipStream(File.Create(gzip), CompressionLevel.Fastest))
            await source.CopyToAsync(target, ct);

        foreach (var path in new[] { zip, gzip })
        {
            var result = await Importer(NewDatabase()).ImportAsync(path, null, ct);
            Assert.Equal((SampleValid, 1), (result.Created, result.Skipped.Count));
        }
    }

    [Fact]
    public async Task Progress_counts_up_to_every_record_read()
    {
        var progress = new RecordingProgress();
        var result = await Importer(NewDatabase()).ImportAsync(Sample, progress, TestContext.Current.CancellationToken);
        Assert.NotEmpty(progress.Reports);
        Assert.Equal(new ImportProgress(result.Total, result.Total), progress.Reports[^1]);
        Assert.Equal(progress.Reports.OrderBy(p => p.Processed), progress.Reports);
    }

    [Fact]
    public async Task The_whole_bundled_catalogue_imports_with_nine_in_ten_products_in_a_specific_category()
    {
        var db = NewDatabase();
        var ct = TestContext.Current.CancellationToken;
        var watch = Stopwatch.StartNew();

        var result = await Importer(db).ImportAsync(CatalogImport.BundledCatalogPath, null, ct);

        watch.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"Bundled catalogue: {result} in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(19_406, result.Created);
        Assert.Empty(result.Skipped);
        Assert.Equal(19_406, await db.Products.CountAsync(ct));
        var inOther = await db.Products.CountAsync(p => p.Category!.Name.StartsWith("Other "), ct);
        var specificShare = 1 - (double)inOther / result.Created;
        TestContext.Current.TestOutputHelper?.WriteLine($"In a specific category: {specificShare:P1}");
        Assert.True(specificShare >= 0.9, $"Only {specificShare:P1} of products are outside the Other buckets.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var db in _databases) await db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }

    private sealed class RecordingProgress : IProgress<ImportProgress>
    {
        public List<ImportProgress> Reports { get; } = [];
        public void Report(ImportProgress value) => Reports.Add(value);
    }
}
