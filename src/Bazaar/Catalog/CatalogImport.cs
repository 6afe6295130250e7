using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Bazaar.Catalog;

// Imports an Icecat-style product catalogue (a JSON array of products, as .json, .json.gz, a .zip of such
// arrays, or a directory of any of those) and derives the category tree on the way in.
// Re-running the same input changes nothing: products are matched on ExternalId, categories on slug,
// and a row is written only when one of its fields differs.
public sealed partial class CatalogImport(BazaarDb db, TimeProvider clock, ILogger<CatalogImport> logger, Platform.StoreCurrency currency)
{
    // About a thousand products (and their ~20k attribute rows) per SaveChanges keeps both the change
    // tracker and each transaction small without paying a round trip per product.
    private const int BatchSize = 1000;

    public static string BundledCatalogPath { get; } = Path.Combine(AppContext.BaseDirectory, "Catalog", "icecat");

    public async Task<ImportResult> ImportAsync(string path, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var now = clock.GetUtcNow();
        var skipped = new List<ImportSkip>();
        var records = new List<Product>();
        foreach (var file in SourceFiles(path))
            await ReadFileAsync(file, currency, records, skipped, ct);
        var total = records.Count + skipped.Count;
        LogReading(logger, path, total);

        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var known = await db.Products.AsNoTracking()
                .Select(p => new KnownProduct(p.Id, p.ExternalId, p.Sku, p.Slug))
                .ToListAsync(ct);
            records = RejectClashes(records, known, skipped);

            var classifier = CategoryClassifier.Default;
            var leaves = records.ToDictionary(p => p, classifier.Classify);
            var (categoryIds, categoriesCreated) = await EnsureCategoriesAsync(leaves.Values.Select(l => l.Leaf), ct);
            foreach (var (product, placement) in leaves) product.CategoryId = categoryIds[placement.Leaf];

            var idByExternalId = known.Where(k => k.ExternalId is not null).ToDictionary(k => k.ExternalId!, k => k.Id, StringComparer.Ordinal);
            int created = 0, updated = 0, unchanged = 0, processed = skipped.Count;
            progress?.Report(new ImportProgress(processed, total));
            foreach (var batch in records.Chunk(BatchSize))
            {
                ct.ThrowIfCancellationRequested();
                var (batchCreated, batchUpdated) = await SaveBatchAsync(batch, idByExternalId, now, ct);
                created += batchCreated;
                updated += batchUpdated;
                unchanged += batch.Length - batchCreated - batchUpdated;
                processed += batch.Length;
                progress?.Report(new ImportProgress(processed, total));
            }

            foreach (var skip in skipped) LogSkipped(logger, skip.Source, skip.Reason);
            var result = new ImportResult(created, updated, unchanged, categoriesCreated, skipped);
            LogImported(logger, path, created, updated, unchanged, categoriesCreated, skipped.Count);
            return result;
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    // The products a catalogue file holds, each with the category an import would place it in, read without a
    // database: the relevance harness indexes the bundled catalogue as the store would (ids are the source ids).
    public static async Task<IReadOnlyList<ProductDetails>> ReadDetailsAsync(string path, CancellationToken ct)
    {
        var records = new List<Product>();
        foreach (var file in SourceFiles(path))
            // Read as a store in the catalogue's own currency would: only the products matter here, not their prices.
            await ReadFileAsync(file, new Platform.StoreCurrency(Microsoft.Extensions.Options.Options.Create(new Platform.StoreCurrencyOptions())),
                records, [], ct);
        var classifier = CategoryClassifier.Default;
        var ids = classifier.Nodes.Select((node, k) => (node, k)).ToDictionary(x => x.node, x => x.k + 1);
        return records
            .Where(p => int.TryParse(p.ExternalId, System.Globalization.CultureInfo.InvariantCulture, out _))
            .DistinctBy(p => p.ExternalId)
            .Select(p =>
            {
                var path = new List<CategoryCrumb>();
                for (var node = classifier.Classify(p).Leaf; node is not null; node = node.Parent)
                    path.Insert(0, new CategoryCrumb(ids[node], node.Name, node.Slug));
                p.Id = int.Parse(p.ExternalId!, System.Globalization.CultureInfo.InvariantCulture);
                return Catalog.Details(p, path);
            })
            .ToList();
    }

    // One transaction per batch: new products through EF (for their ids), their attributes in bulk,
    // and changed products through the change tracker.
    private async Task<(int Created, int Updated)> SaveBatchAsync(Product[] batch, Dictionary<string, int> idByExternalId, DateTimeOffset now, CancellationToken ct)
    {
        var existingIds = batch.Select(p => idByExternalId.GetValueOrDefault(p.ExternalId!)).Where(id => id != 0).ToList();
        Dictionary<string, Product> existing = existingIds.Count == 0
            ? []
            : await db.Products.Include(p => p.Attributes).Where(p => existingIds.Contains(p.Id)).ToDictionaryAsync(p => p.ExternalId!, StringComparer.Ordinal, ct);
        var fresh = new List<(Product Product, List<ProductAttribute> Attributes)>();
        var updated = 0;
        foreach (var incoming in batch)
        {
            if (existing.TryGetValue(incoming.ExternalId!, out var current))
            {
                if (CopyChanges(incoming, current, now)) updated++;
                continue;
            }
            incoming.CreatedAt = now;
            incoming.UpdatedAt = now;
            fresh.Add((incoming, incoming.Attributes));
            incoming.Attributes = [];
            db.Products.Add(incoming);
        }

        var searchFeed = ChangeFeed.TrackProductWrites(db);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            foreach (var (product, attributes) in fresh)
            {
                foreach (var attribute in attributes) attribute.ProductId = product.Id;
            }
            await InsertAttributesAsync(fresh.SelectMany(f => f.Attributes).ToList(), ct);
            await searchFeed.AppendAsync(now, ct);
            await transaction.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return (fresh.Count, updated);
    }

    private static IEnumerable<string> SourceFiles(string path)
    {
        if (Directory.Exists(path))
            return Directory.EnumerateFiles(path).Where(IsCatalogFile).Order(StringComparer.Ordinal).ToList();
        if (File.Exists(path)) return [path];
        throw new FileNotFoundException($"No catalogue file or directory at '{path}'.", path);
    }

    private static bool IsCatalogFile(string file) =>
        file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    private static async Task ReadFileAsync(string file, Platform.StoreCurrency currency, List<Product> records, List<ImportSkip> skipped,
        CancellationToken ct)
    {
        var name = Path.GetFileName(file);
        if (file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            using var zip = ZipFile.OpenRead(file);
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                await using var stream = entry.Open();
                await ReadArrayAsync(stream, $"{name}/{entry.FullName}", currency, records, skipped, ct);
            }
            return;
        }
        await using var fileStream = File.OpenRead(file);
        if (file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(fileStream, CompressionMode.Decompress);
            await ReadArrayAsync(gzip, name, currency, records, skipped, ct);
        }
        else
        {
            await ReadArrayAsync(fileStream, name, currency, records, skipped, ct);
        }
    }

    private static async Task ReadArrayAsync(Stream stream, string source, Platform.StoreCurrency currency, List<Product> records,
        List<ImportSkip> skipped, CancellationToken ct)
    {
        using var document = await JsonDocument.ParseAsync(stream, default, ct);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{source} is not a JSON array of products.");
        var position = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            position++;
            var (product, reason) = ProductRecord.Read(element, currency);
            if (product is not null) records.Add(product);
            else skipped.Add(new ImportSkip($"{source}#{position}", ProductRecord.IdOf(element), reason!));
        }
    }

    // New products' attributes (~20 per product, ~370k rows for the bundled catalogue) bypass the change
    // tracker, which took three quarters of the import time. SQLite is fastest re-running one prepared
    // single-row INSERT (its parameter lookup is linear, so wide statements get slower); PostgreSQL
    // wants few round trips, so it gets 500 rows a statement (3,500 parameters, far below its limit).
    // Table, columns and value conversions come from the EF model, so both get the rows EF would write.
    private async Task InsertAttributesAsync(List<ProductAttribute> attributes, CancellationToken ct)
    {
        if (attributes.Count == 0) return;
        var entity = db.Model.FindEntityType(typeof(ProductAttribute))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Where(p => p.PropertyInfo is not null).ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)))}) VALUES ";
        var rowsPerStatement = db.Database.IsSqlite() ? 1 : 500;

        DbCommand? command = null;
        try
        {
            foreach (var rows in attributes.Chunk(rowsPerStatement))
            {
                if (command is null || command.Parameters.Count != rows.Length * columns.Count)
                {
                    if (command is not null) await command.DisposeAsync();
                    command = InsertCommand(insert, rows.Length, columns.Count);
                }
                for (var row = 0; row < rows.Length; row++)
                {
                    for (var column = 0; column < columns.Count; column++)
                    {
                        var property = columns[column];
                        var value = property.PropertyInfo!.GetValue(rows[row]);
                        command.Parameters[(row * columns.Count) + column].Value =
                            (value is null ? null : property.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
                    }
                }
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (command is not null) await command.DisposeAsync();
        }
    }

    private DbCommand InsertCommand(string insert, int rows, int columns)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var text = new StringBuilder(insert);
        for (var row = 0; row < rows; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < columns; column++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@p{(row * columns) + column}";
                command.Parameters.Add(parameter);
                text.Append(column == 0 ? "" : ", ").Append(parameter.ParameterName);
            }
            text.Append(')');
        }
        command.CommandText = text.ToString();
        return command;
    }

    // A record whose id repeats in the input, or whose SKU or slug another product already holds, would
    // break a unique index and fail its whole batch; it is skipped instead.
    private static List<Product> RejectClashes(List<Product> records, List<KnownProduct> known, List<ImportSkip> skipped)
    {
        var externalIds = new HashSet<string>(StringComparer.Ordinal);
        var skuOwner = known.ToDictionary(k => k.Sku, k => k.ExternalId, StringComparer.Ordinal);
        var slugOwner = known.ToDictionary(k => k.Slug, k => k.ExternalId, StringComparer.Ordinal);
        var accepted = new List<Product>(records.Count);
        foreach (var product in records)
        {
            var id = product.ExternalId!;
            string? reason = null;
            if (!externalIds.Add(id)) reason = "duplicate id in the import";
            else if (skuOwner.TryGetValue(product.Sku, out var skuHolder) && skuHolder != id) reason = $"SKU {product.Sku} belongs to another product";
            else if (slugOwner.TryGetValue(product.Slug, out var slugHolder) && slugHolder != id) reason = $"slug {product.Slug} belongs to another product";
            if (reason is not null)
            {
                skipped.Add(new ImportSkip("id " + id, id, reason));
                continue;
            }
            skuOwner[product.Sku] = id;
            slugOwner.TryAdd(product.Slug, id);
            accepted.Add(product);
        }
        return accepted;
    }

    private async Task<(Dictionary<DerivedCategory, int> Ids, int Created)> EnsureCategoriesAsync(IEnumerable<DerivedCategory> leaves, CancellationToken ct)
    {
        var needed = new HashSet<DerivedCategory>();
        foreach (var leaf in leaves)
        {
            for (var node = leaf; node is not null && needed.Add(node); node = node.Parent) { }
        }
        var slugs = needed.Select(n => n.Slug).ToList();
        var existing = await db.Categories.AsNoTracking().Where(c => slugs.Contains(c.Slug)).ToDictionaryAsync(c => c.Slug, c => c.Id, StringComparer.Ordinal, ct);

        // Nodes come parents first, so a new child can point at its new parent entity.
        var fresh = new Dictionary<DerivedCategory, Category>();
        foreach (var node in CategoryClassifier.Default.Nodes.Where(needed.Contains))
        {
            if (existing.ContainsKey(node.Slug)) continue;
            var category = new Category { Name = node.Name, Slug = node.Slug, Position = node.Position };
            if (node.Parent is { } parent)
            {
                if (fresh.TryGetValue(parent, out var newParent)) category.Parent = newParent;
                else category.ParentId = existing[parent.Slug];
            }
            fresh.Add(node, category);
            db.Categories.Add(category);
        }
        if (fresh.Count > 0)
        {
            db.ChangeTracker.DetectChanges();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        var ids = needed.ToDictionary(n => n, n => fresh.TryGetValue(n, out var c) ? c.Id : existing[n.Slug]);
        db.ChangeTracker.Clear();
        return (ids, fresh.Count);
    }

    // The slug and creation time of a product are kept: they are its public URL and its history.
    private static bool CopyChanges(Product incoming, Product current, DateTimeOffset now)
    {
        var changed = current.Sku != incoming.Sku
            || current.Brand != incoming.Brand
            || current.Model != incoming.Model
            || current.Title != incoming.Title
            || current.Description != incoming.Description
            || current.Price != incoming.Price
            || current.Currency != incoming.Currency
            || current.ReleasedOn != incoming.ReleasedOn
            || current.CategoryId != incoming.CategoryId
            || !current.Eans.SequenceEqual(incoming.Eans)
            || !current.ImageUrls.SequenceEqual(incoming.ImageUrls)
            || !SameAttributes(current.Attributes, incoming.Attributes);
        if (!changed) return false;

        current.Sku = incoming.Sku;
        current.Brand = incoming.Brand;
        current.Model = incoming.Model;
        current.Title = incoming.Title;
        current.Description = incoming.Description;
        current.Price = incoming.Price;
        current.Currency = incoming.Currency;
        current.ReleasedOn = incoming.ReleasedOn;
        current.CategoryId = incoming.CategoryId;
        current.Eans = incoming.Eans;
        current.ImageUrls = incoming.ImageUrls;
        current.UpdatedAt = now;

        var wanted = incoming.Attributes.ToDictionary(a => a.Key, StringComparer.Ordinal);
        current.Attributes.RemoveAll(a => !wanted.ContainsKey(a.Key));
        var kept = current.Attributes.ToDictionary(a => a.Key, StringComparer.Ordinal);
        foreach (var attribute in incoming.Attributes)
        {
            if (kept.TryGetValue(attribute.Key, out var existing))
            {
                existing.Name = attribute.Name;
                existing.Kind = attribute.Kind;
                existing.Text = attribute.Text;
                existing.Number = attribute.Number;
                existing.Boolean = attribute.Boolean;
            }
            else
            {
                current.Attributes.Add(attribute);
            }
        }
        return true;
    }

    private static bool SameAttributes(List<ProductAttribute> current, List<ProductAttribute> incoming)
    {
        if (current.Count != incoming.Count) return false;
        var byKey = current.ToDictionary(a => a.Key, StringComparer.Ordinal);
        return incoming.All(a => byKey.TryGetValue(a.Key, out var c)
            && c.Name == a.Name && c.Kind == a.Kind && c.Text == a.Text && c.Number == a.Number && c.Boolean == a.Boolean);
    }

    private sealed record KnownProduct(int Id, string? ExternalId, string Sku, string Slug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Importing catalogue {Path}: {Total} records")]
    private static partial void LogReading(ILogger logger, string path, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalogue record {Source} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported catalogue {Path}: {Created} created, {Updated} updated, {Unchanged} unchanged, {CategoriesCreated} categories created, {Skipped} skipped")]
    private static partial void LogImported(ILogger logger, string path, int created, int updated, int unchanged, int categoriesCreated, int skipped);

    // Maps one JSON product to a Product, or says why it cannot be imported.
    private static class ProductRecord
    {
        private const string AttributePrefix = "attr_";

        // Largest first; img_low is the same picture as img_500x500 at a worse quality.
        private static readonly string[] ImageKeys = ["img_high", "img_500x500", "img_thumb"];

        public static string? IdOf(JsonElement element) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id) ? Scalar(id) : null;

        // Prices are whole minor units (cents) of the store's currency; a record naming another currency is refused.
        public static (Product? Product, string? Reason) Read(JsonElement element, Platform.StoreCurrency currency)
        {
            if (element.ValueKind != JsonValueKind.Object) return (null, "not a JSON object");
            var id = IdOf(element);
            if (string.IsNullOrWhiteSpace(id)) return (null, "missing id");
            if (id.Length > 64) return (null, "id longer than 64 characters");
            var title = ProductText.LineFromHtml(Text(element, "title"));
            if (title.Length == 0) return (null, "missing title");
            var brand = ProductText.LineFromHtml(Text(element, "supplier"));
            if (brand.Length == 0) return (null, "missing supplier");
            if (!element.TryGetProperty("price", out var priceElement) || priceElement.ValueKind == JsonValueKind.Null)
                return (null, "missing price");
            if (priceElement.ValueKind != JsonValueKind.Number || !priceElement.TryGetDecimal(out var cents))
                return (null, "price is not a number");
            if (cents < 0) return (null, "negative price");
            if (cents != decimal.Truncate(cents)) return (null, "price is not a whole number of cents");
            if (Text(element, "currency") is { Length: > 0 } named && !currency.Is(named.Trim().ToUpperInvariant()))
                return (null, "currency: " + currency.Refusal(named.Trim()));
            var sku = Text(element, "sku") is { Length: > 0 } given ? given.Trim() : "IC-" + id;
            if (sku.Length > 64) return (null, "SKU longer than 64 characters");

            var product = new Product
            {
                Sku = sku,
                Slug = $"{(Slug.From(title) is { Length: > 0 } s ? s : "product")}-{Slug.From(id, 64)}",
                ExternalId = id,
                Brand = Clip(brand, 120),
                Model = Clip(ProductText.LineFromHtml(Text(element, "name")), 200),
                Title = Clip(title, 400),
                Description = Clip(ProductText.FromHtml(Text(element, "short_description")), 4000),
                Price = currency.Decimals == 0 ? cents : cents / 100m,
                Currency = currency.Code,
                ReleasedOn = ReleaseDate(element),
                Eans = Eans(element),
                ImageUrls = ImageKeys
                    .Select(key => Text(element, key)?.Trim()).OfType<string>().Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).ToList(),
            };
            product.Attributes = Attributes(element);
            return (product, null);
        }

        // attr_t_x (text), attr_n_x (number), attr_b_x (yes/no); a few products carry both attr_b_x and
        // attr_n_x ("height adjustment" and its range), so a repeated key gets its kind appended.
        private static List<ProductAttribute> Attributes(JsonElement element)
        {
            var attributes = new List<ProductAttribute>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var name = property.Name;
                if (!name.StartsWith(AttributePrefix, StringComparison.Ordinal) || name.Length < 8 || name[6] != '_') continue;
                var value = property.Value;
                if (value.ValueKind == JsonValueKind.Null) continue;
                var attribute = Attribute(name[5], name[7..], value);
                // A value that is only markup (Icecat's "images type map" is a block of pictures) has nothing to show.
                if (attribute.Kind == AttributeKind.Text && attribute.Text is "") continue;
                if (!keys.Add(attribute.Key))
                {
                    attribute.Key = Clip($"{attribute.Key}_{attribute.Kind.ToString().ToLowerInvariant()}", 100);
                    if (!keys.Add(attribute.Key)) continue;
                }
                attributes.Add(attribute);
            }
            return attributes;
        }

        private static ProductAttribute Attribute(char kind, string key, JsonElement value)
        {
            var attribute = new ProductAttribute { Key = Clip(key, 100), Name = Clip(AttributeName(key), 120) };
            if (kind == 'n' && value.ValueKind == JsonValueKind.Number)
            {
                attribute.Kind = AttributeKind.Number;
                attribute.Number = value.GetDouble();
            }
            else if (kind == 'b' && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                attribute.Kind = AttributeKind.Boolean;
                attribute.Boolean = value.GetBoolean();
            }
            else
            {
                // Icecat writes line breaks in lists ("Lexmark X642e\nLexmark X644e") as a literal \n, and some
                // values as HTML ("270M: -70dBm<br>130M: -74dBm").
                attribute.Kind = AttributeKind.Text;
                attribute.Text = Clip(ProductText.FromHtml((Scalar(value) ?? value.GetRawText()).Replace("\\n", "\n", StringComparison.Ordinal)), 2000);
            }
            return attribute;
        }

        // "black_toner_page_yield" -> "Black toner page yield"; Icecat writes a trailing parenthesis as
        // "__x_": "thermal_design_power__tdp_" -> "Thermal design power (TDP)".
        public static string AttributeName(string key)
        {
            var text = key;
            if (text.EndsWith('_'))
            {
                text = text.TrimEnd('_');
                var open = text.LastIndexOf("__", StringComparison.Ordinal);
                if (open > 0)
                {
                    var inner = text[(open + 2)..].Replace('_', ' ').Trim();
                    text = $"{text[..open]} ({(inner.Contains(' ', StringComparison.Ordinal) ? inner : inner.ToUpperInvariant())})";
                }
            }
            var words = text.Replace('_', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(w => Acronyms.Contains(w) ? w.ToUpperInvariant() : w);
            var label = string.Join(' ', words);
            return label.Length == 0 ? key : char.ToUpperInvariant(label[0]) + label[1..];
        }

        private static readonly HashSet<string> Acronyms = new(StringComparer.Ordinal)
        {
            "ac", "dc", "usb", "hdmi", "vga", "dvi", "lan", "wan", "led", "lcd", "ups", "tdp", "ssd", "hdd", "cpu",
            "gpu", "ram", "dpi", "ppm", "os", "pc", "tv", "id", "rj", "ecc", "fsb", "sata", "pci", "hd", "oem",
            "ean", "nfc", "gps", "psu", "mtbf", "iso", "rohs", "poe", "sd", "vesa", "awg", "kvm",
        };

        private static List<string> Eans(JsonElement element)
        {
            if (!element.TryGetProperty("ean", out var eans)) return [];
            var values = eans.ValueKind == JsonValueKind.Array ? eans.EnumerateArray().Select(Scalar) : [Scalar(eans)];
            return values.OfType<string>().Select(e => e.Trim()).Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        }

        private static DateOnly? ReleaseDate(JsonElement element) =>
            Text(element, "date_released") is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var released)
                ? DateOnly.FromDateTime(released.UtcDateTime)
                : null;

        private static string? Text(JsonElement element, string property) =>
            element.TryGetProperty(property, out var value) ? Scalar(value) : null;

        private static string? Scalar(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };

        private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
    }
}

public sealed record ImportResult(int Created, int Updated, int Unchanged, int CategoriesCreated, IReadOnlyList<ImportSkip> Skipped)
{
    public int Total => Created + Updated + Unchanged + Skipped.Count;

    public override string ToString() =>
        $"{Created} created, {Updated} updated, {Unchanged} unchanged, {CategoriesCreated} categories created, {Skipped.Count} skipped"
        + string.Concat(Skipped.Take(5).Select(s => $"; {s.Source}: {s.Reason}"));
}

// One input record that was not imported: where it was (file#position), its id if it had one, and why.
public sealed record ImportSkip(string Source, string? ExternalId, string Reason);

public sealed record ImportProgress(int Processed, int Total);
