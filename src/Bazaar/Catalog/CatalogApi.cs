using Bazaar.Data;
using Bazaar.Accounts;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Catalog;

public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Catalog");
        api.MapGet("/categories", GetCategories);
        api.MapGet("/products", ListProducts);
        api.MapGet("/products/{id:int}", GetProduct);

        app.MapGet(RemoteImages.UrlPrefix + "{productId:int}/{hash}", ServeRemoteImage).ExcludeFromDescription();

        var admin = app.MapGroup("/api/admin").WithTags("Catalog admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/products", ListForAdmin);
        admin.MapPost("/products", CreateProduct);
        admin.MapPut("/products/{id:int}", UpdateProduct);
        admin.MapDelete("/products/{id:int}", DeleteProduct);
        // Read by hand (no IFormFile parameter), so that the store's cross-site check guards it like every other call.
        admin.MapPost("/products/{id:int}/images", UploadImage).DisableAntiforgery();
        app.MapGet(ProductImages.UrlPrefix + "{name}", ServeImage).ExcludeFromDescription();
        admin.MapPost("/categories", CreateCategory);
        admin.MapPut("/categories/{id:int}", UpdateCategory);
        admin.MapDelete("/categories/{id:int}", DeleteCategory);
        return app;
    }

    // The picture from the store's copy; the placeholder (briefly cached) when it can't be had, so a page never
    // shows a broken image or logs an error for it.
    private static async Task<IResult> ServeRemoteImage(int productId, string hash, RemoteImages images, HttpContext http,
        CancellationToken ct)
    {
        var image = await images.GetAsync(productId, hash, ct);
        if (image is null)
        {
            http.Response.Headers.CacheControl = "public, max-age=300";
            return TypedResults.Redirect("/img/placeholder.svg");
        }
        // The address names the source URL, and a source's picture is fetched once: it never changes under it.
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.PhysicalFile(image.Path, image.ContentType);
    }

    public sealed record UploadedImage(string Url);

    // 201 with the picture's address (a browser's form post is sent back to the product's editor instead); 400 naming
    // "file" for no file, one too big, not JPEG, PNG or WebP, or damaged; 404 no such product.
    private static async Task<IResult> UploadImage(int id, ProductImages images, HttpContext http, CancellationToken ct)
    {
        var fromPage = http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        try
        {
            if (!http.Request.HasFormContentType) throw new ImageRefused("Send the picture as multipart/form-data, in the field \"file\".");
            var form = await http.Request.ReadFormAsync(ct);
            var file = form.Files.GetFile(ImageRefused.Field) ?? throw new ImageRefused("Choose a picture to upload (the field \"file\").");
            await using var content = file.OpenReadStream();
            var url = await images.AddAsync(id, content, file.Length, ct);
            return fromPage ? Results.Redirect($"/admin/products/{id}?image=added") : TypedResults.Created(url, new UploadedImage(url));
        }
        catch (ImageRefused e)
        {
            return fromPage
                ? Results.Redirect($"/admin/products/{id}?imageError={Uri.EscapeDataString(e.Message)}")
                : ProblemResults.Invalid(ImageRefused.Field, e.Message);
        }
        catch (InvalidDataException e)
        {
            return ProblemResults.Invalid(ImageRefused.Field, "The upload could not be read: " + e.Message);
        }
        catch (CatalogNotFoundException e) { return ProblemResults.NotFound(e.Message); }
    }

    // Stored pictures never change under their name (it is made from their content): cached for a year.
    private static IResult ServeImage(string name, ProductImages images, HttpContext http)
    {
        if (images.PathOf(name) is not { } path || !File.Exists(path)) return ProblemResults.NotFound("There is no such picture.");
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.File(path, "image/webp", enableRangeProcessing: false);
    }

    private static async Task<Ok<IReadOnlyList<CategoryNode>>> GetCategories(Catalog catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetCategoryTreeAsync(ct));

    private static async Task<Results<Ok<ResultPage<ProductSummary>>, ValidationProblem>> ListProducts(
        Catalog catalog, CancellationToken ct,
        string? category = null, string? brand = null, string? sort = null, string? page = null, string? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        var pageNumber = ParsePositive(page, 1, "page", errors);
        var size = ParsePositive(pageSize, 24, "pageSize", errors);
        if (size > Catalog.MaxPageSize) errors["pageSize"] = [$"The page size must be at most {Catalog.MaxPageSize}."];
        if (pageNumber > 100_000) errors["page"] = ["The page must be at most 100000."];
        var order = ParseSort(sort);
        if (order is null) errors["sort"] = ["The sort must be one of newest, price-asc, price-desc, title."];
        int? categoryId = null;
        if (!string.IsNullOrWhiteSpace(category))
        {
            var node = await catalog.FindCategoryAsync(category, ct);
            if (node is null) errors["category"] = [$"No category '{category}'."];
            else categoryId = node.Id;
        }
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        return TypedResults.Ok(await catalog.ListProductsAsync(new ProductQuery(categoryId, brand, order!.Value, pageNumber, size), Freshness.MayLag, ct));
    }

    // The back office's product list: search, category, stock state, sort and page, every one checked.
    private static async Task<Results<Ok<ListPage<ProductSummary>>, ValidationProblem>> ListForAdmin(ProductList products,
        Catalog catalog, Inventory.StockList stockList, CancellationToken ct, string? q = null, string? category = null, string? stock = null,
        string? page = null, string? pageSize = null, string? sort = null)
    {
        var errors = new Dictionary<string, string[]>();
        var (filter, list) = await ParseAdminListAsync(catalog, stockList, q, category, stock, page, pageSize, sort, errors, ct);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        return TypedResults.Ok(await products.SearchAsync(filter, list, ct));
    }

    // The admin product list's query string, for the API and the page alike; problems are named by field in `errors`.
    public static async Task<(ProductListFilter Filter, ListQuery List)> ParseAdminListAsync(Catalog catalog, Inventory.StockList stock,
        string? q, string? category, string? state, string? page, string? pageSize, string? sort, IDictionary<string, string[]> errors,
        CancellationToken ct)
    {
        var list = ListQuery.Parse(page, pageSize, sort, ProductList.Shape, errors);
        int? categoryId = null;
        if (!string.IsNullOrWhiteSpace(category))
        {
            var node = await catalog.FindCategoryAsync(category.Trim(), ct);
            if (node is null) errors["category"] = [$"No category '{category}'."];
            else categoryId = node.Id;
        }
        IReadOnlyCollection<int>? only = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (Inventory.StockList.StateNames.TryGetValue(state.Trim(), out var wanted)) only = await stock.ProductIdsInStateAsync(wanted, ct);
            else errors["stock"] = [$"The stock state must be one of {string.Join(", ", Inventory.StockList.StateNames.Keys)}, not '{state}'."];
        }
        return (new ProductListFilter(string.IsNullOrWhiteSpace(q) ? null : q.Trim(), categoryId, only), list);
    }

    public static ProductSort? ParseSort(string? sort) => sort switch
    {
        null or "" or "newest" => ProductSort.Newest,
        "price-asc" => ProductSort.PriceAsc,
        "price-desc" => ProductSort.PriceDesc,
        "title" => ProductSort.Title,
        _ => null,
    };

    public static string SortName(ProductSort sort) => sort switch
    {
        ProductSort.PriceAsc => "price-asc",
        ProductSort.PriceDesc => "price-desc",
        ProductSort.Title => "title",
        _ => "newest",
    };

    // Query values are parsed here rather than bound as int so that "abc" gets a message naming the field.
    private static int ParsePositive(string? raw, int fallback, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(raw)) return fallback;
        if (int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 1) return value;
        errors[field] = [$"The {field} must be a whole number of at least 1."];
        return fallback;
    }

    private static async Task<Results<Ok<ProductDetails>, ProblemHttpResult>> GetProduct(int id, Catalog catalog, CancellationToken ct) =>
        await catalog.GetProductAsync(id, ct) is { } product ? TypedResults.Ok(product) : ProblemResults.NotFound($"No product with id {id}.");

    private static async Task<Results<Created<ProductDetails>, ValidationProblem, ProblemHttpResult>> CreateProduct(ProductInput input, Catalog catalog, CancellationToken ct)
    {
        try
        {
            var product = await catalog.CreateProductAsync(input, ct);
            return TypedResults.Created($"/api/products/{product.Id}", product);
        }
        catch (CatalogValidationException e) { return ProblemResults.Invalid(e.Errors); }
        catch (CatalogConflictException e) { return ProblemResults.Conflict(e.Message); }
    }

    private static async Task<Results<Ok<ProductDetails>, ValidationProblem, ProblemHttpResult>> UpdateProduct(int id, ProductInput input, Catalog catalog, CancellationToken ct)
    {
        try { return TypedResults.Ok(await catalog.UpdateProductAsync(id, input, ct)); }
        catch (CatalogValidationException e) { return ProblemResults.Invalid(e.Errors); }
        catch (CatalogConflictException e) { return ProblemResults.Conflict(e.Message); }
        catch (CatalogNotFoundException e) { return ProblemResults.NotFound(e.Message); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteProduct(int id, Catalog catalog, CancellationToken ct)
    {
        try { await catalog.DeleteProductAsync(id, ct); return TypedResults.NoContent(); }
        catch (CatalogNotFoundException e) { return ProblemResults.NotFound(e.Message); }
    }

    private static async Task<Results<Created<CategoryNode>, ValidationProblem>> CreateCategory(CategoryInput input, Catalog catalog, CancellationToken ct)
    {
        try
        {
            var category = await catalog.CreateCategoryAsync(input, ct);
            return TypedResults.Created($"/api/categories/{category.Id}", category);
        }
        catch (CatalogValidationException e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<Ok<CategoryNode>, ValidationProblem, ProblemHttpResult>> UpdateCategory(int id, CategoryInput input, Catalog catalog, CancellationToken ct)
    {
        try { return TypedResults.Ok(await catalog.UpdateCategoryAsync(id, input, ct)); }
        catch (CatalogValidationException e) { return ProblemResults.Invalid(e.Errors); }
        catch (CatalogNotFoundException e) { return ProblemResults.NotFound(e.Message); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCategory(int id, Catalog catalog, CancellationToken ct)
    {
        try { await catalog.DeleteCategoryAsync(id, ct); return TypedResults.NoContent(); }
        catch (CatalogNotFoundException e) { return ProblemResults.NotFound(e.Message); }
        catch (CatalogConflictException e) { return ProblemResults.Conflict(e.Message); }
    }
}
