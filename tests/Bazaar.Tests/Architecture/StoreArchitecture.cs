using System.Reflection;
using System.Text.RegularExpressions;
using Assembly = System.Reflection.Assembly;
using Type = System.Type;
using ArchLoader = ArchUnitNET.Loader.ArchLoader;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Bazaar.Tests.Architecture;

// The compiled store as the architecture test sees it: every type of Bazaar and Bazaar.Web with its dependencies
// (signatures and method bodies), the EF model's tables with their owners, and the SQL text in the assemblies.
// docs/architecture.md draws the same modules, facades and arrows.
public static partial class StoreArchitecture
{
    public static readonly string[] Modules =
        ["Accounts", "Cart", "Catalog", "Checkout", "Discounts", "Inventory", "Orders", "Payments", "Recommendations", "Reviews",
            "Search"];

    // What each module lets others call: its facade classes (the back office's list queries among them), plus the
    // static parsing helpers of its API class, which its endpoints and the pages share so that both read input alike.
    // Everything these expose (parameters, results, the records and enums in them, recursively) is the module's
    // published vocabulary, and so are the module's exceptions; the rest of the module (entities, jobs, stores,
    // mappings) is its own. docs/architecture.md lists the same.
    public static readonly IReadOnlyDictionary<string, Type[]> Facades = new Dictionary<string, Type[]>
    {
        ["Accounts"] = [typeof(global::Bazaar.Accounts.Accounts), typeof(global::Bazaar.Accounts.Shopper),
            typeof(global::Bazaar.Accounts.GuestHandOver), typeof(global::Bazaar.Accounts.IGuestHandOver),
            typeof(global::Bazaar.Accounts.AccountsApi), typeof(global::Bazaar.Accounts.CustomerDirectory)],
        ["Cart"] = [typeof(global::Bazaar.Cart.Cart)],
        ["Catalog"] = [typeof(global::Bazaar.Catalog.Catalog), typeof(global::Bazaar.Catalog.ChangeFeed),
            typeof(global::Bazaar.Catalog.CategoryClassifier), typeof(global::Bazaar.Catalog.ProductText),
            typeof(global::Bazaar.Catalog.Slug), typeof(global::Bazaar.Catalog.ProductList),
            typeof(global::Bazaar.Catalog.CatalogApi), typeof(global::Bazaar.Catalog.RemoteImages),
            typeof(global::Bazaar.Catalog.ProductImageOptions)],
        ["Checkout"] = [typeof(global::Bazaar.Checkout.Checkout), typeof(global::Bazaar.Checkout.CheckoutShopper)],
        ["Discounts"] = [typeof(global::Bazaar.Discounts.Discounts), typeof(global::Bazaar.Discounts.Coupons)],
        ["Inventory"] = [typeof(global::Bazaar.Inventory.Inventory), typeof(global::Bazaar.Inventory.InventoryAudit),
            typeof(global::Bazaar.Inventory.StrategyNames), typeof(global::Bazaar.Inventory.StockList),
            typeof(global::Bazaar.Inventory.InventoryApi)],
        ["Orders"] = [typeof(global::Bazaar.Orders.Orders), typeof(global::Bazaar.Orders.OrderHistory),
            typeof(global::Bazaar.Orders.OrderTransitions), typeof(global::Bazaar.Orders.OrderNumbers),
            typeof(global::Bazaar.Orders.OrderAudit), typeof(global::Bazaar.Orders.OrderReports),
            typeof(global::Bazaar.Orders.Invoices), typeof(global::Bazaar.Orders.OrdersApi)],
        ["Payments"] = [typeof(global::Bazaar.Payments.Payments)],
        ["Recommendations"] = [typeof(global::Bazaar.Recommendations.Recommendations),
            typeof(global::Bazaar.Recommendations.AlsoBoughtBuilder)],
        ["Reviews"] = [typeof(global::Bazaar.Reviews.Reviews), typeof(global::Bazaar.Reviews.ReviewList),
            typeof(global::Bazaar.Reviews.ReviewsApi)],
        ["Search"] = [typeof(global::Bazaar.Search.ProductSearch), typeof(global::Bazaar.Search.SearchBackOffice),
            typeof(global::Bazaar.Search.SearchAnalytics),
            typeof(global::Bazaar.Search.SearchApi)],
    };

    public static readonly Assembly[] Assemblies = [typeof(BazaarDb).Assembly, typeof(Web.Hosting.StoreHost).Assembly];

    public static ArchUnitNET.Domain.Architecture Compiled { get; } = new ArchLoader().LoadAssemblies(Assemblies).Build();

    // Where a type lives: a module, Platform (the shared kernel every module may use), Data (the one EF context
    // and its migrations), Composition (wiring, start-up, audit and purge across modules: src/Bazaar/*.cs and
    // src/Bazaar/Store, and the Web host), Pages (the Blazor storefront and admin), or null (not ours).
    public static string? PlaceOf(string fullName)
    {
        var name = OuterName(fullName);
        if (name.StartsWith("Bazaar.Web.Components.", StringComparison.Ordinal)) return "Pages";
        if (name.StartsWith("Bazaar.Web.", StringComparison.Ordinal) || name.StartsWith("Bazaar.Store.", StringComparison.Ordinal))
            return "Composition";
        if (name.StartsWith("Bazaar.Tests.", StringComparison.Ordinal) || name.StartsWith("Bazaar.Bench.", StringComparison.Ordinal))
            return null;
        if (!name.StartsWith("Bazaar.", StringComparison.Ordinal)) return null;
        var parts = name.Split('.');
        if (parts.Length == 2) return "Composition";
        // A module's endpoints (its *Api class) are the HTTP edge, as the pages are the HTML edge: both may call any
        // module's facade (the back office's product list filters by stock state, its stock list by product text),
        // so they are nodes of their own in the graph, outside the module core's arrows.
        return parts[^1].EndsWith("Api", StringComparison.Ordinal) && Modules.Contains(parts[1]) ? "Api:" + parts[1] : parts[1];
    }

    // The module of a place: a module's endpoints (Api:Cart) are still Cart's.
    public static string? ModuleOf(string? place) =>
        place is not null && place.StartsWith("Api:", StringComparison.Ordinal) ? place[4..] : place;

    // The type a nested or compiler-generated type belongs to, without generic arity: `Bazaar.Cart.Cart+<AddAsync>d__5`
    // and `Bazaar.Cart.Cart/<>c` are Bazaar.Cart.Cart.
    public static string OuterName(string fullName)
    {
        var cut = fullName.IndexOfAny(['+', '/', '<', '`']);
        return cut > 0 ? fullName[..cut] : fullName;
    }

    public static IReadOnlyDictionary<string, string> PublishedTypes { get; } = BuildPublished();

    private static Dictionary<string, string> BuildPublished()
    {
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (module, facades) in Facades)
        {
            var exceptions = Assemblies[0].GetTypes().Where(t => typeof(Exception).IsAssignableFrom(t) && t.IsPublic);
            var pending = new Queue<Type>(facades.Concat(exceptions));
            while (pending.TryDequeue(out var type))
            {
                if (type.FullName is null || ModuleOf(PlaceOf(type.FullName)) != module
                    || !published.TryAdd(OuterName(type.FullName), module))
                    continue;
                foreach (var used in SignatureTypes(type)) pending.Enqueue(used);
            }
        }
        return published;
    }

    private const BindingFlags Surface = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        var direct = new List<Type>();
        foreach (var method in type.GetMethods(Surface))
        {
            direct.Add(method.ReturnType);
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
        }
        foreach (var ctor in type.GetConstructors()) direct.AddRange(ctor.GetParameters().Select(p => p.ParameterType));
        direct.AddRange(type.GetProperties(Surface).Select(p => p.PropertyType));
        direct.AddRange(type.GetFields(Surface).Select(f => f.FieldType));
        if (type.BaseType is { } baseType) direct.Add(baseType);
        return direct.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType) return Unwrap(type.GetElementType()!);
        if (!type.IsGenericType) return [type];
        return type.GetGenericArguments().SelectMany(Unwrap).Prepend(type.GetGenericTypeDefinition());
    }

    // Each table's owner: the module its entity type is declared in (Identity's tables are Accounts', the
    // data-protection keys are Data's).
    public static IReadOnlyDictionary<string, (Type Entity, string Owner)> Tables { get; } = BuildTables();

    private static Dictionary<string, (Type, string)> BuildTables()
    {
        using var db = SqliteBazaarDb.Create("Data Source=:memory:");
        var tables = new Dictionary<string, (Type, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table) continue;
            var clr = entity.ClrType;
            var owner = clr.Namespace switch
            {
                { } ns when ns.StartsWith("Microsoft.AspNetCore.Identity", StringComparison.Ordinal) => "Accounts",
                { } ns when ns.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) => "Data",
                _ => PlaceOf(clr.FullName!) ?? "Data",
            };
            tables[table] = (clr, owner);
        }
        return tables;
    }

    [GeneratedRegex(@"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+""?([A-Za-z_][A-Za-z0-9_]*)""?", RegexOptions.IgnoreCase)]
    private static partial Regex SqlWrite();

    // Every table written by SQL text in the assemblies (string literals, interpolated and raw strings included),
    // with the type whose code holds the text.
    public static IEnumerable<(string Type, string Table)> SqlWrites()
    {
        foreach (var assembly in Assemblies)
        {
            using var module = ModuleDefinition.ReadModule(assembly.Location);
            foreach (var type in module.GetTypes())
            foreach (var method in type.Methods.Where(m => m.HasBody))
            foreach (var instruction in method.Body.Instructions.Where(i => i.OpCode == OpCodes.Ldstr))
            foreach (Match write in SqlWrite().Matches((string)instruction.Operand))
                if (Tables.ContainsKey(write.Groups[1].Value))
                    yield return (type.FullName, write.Groups[1].Value.ToLowerInvariant());
        }
    }
}
