using Bazaar.Platform;
using Bazaar.Web.Components.Shop;

namespace Bazaar.Web.Components.Admin;

// Links of a back-office list: the filters as given, plus sort and page (left out when they are the defaults).
public static class AdminListLinks
{
    public static string For(string path, ListShape shape, ListQuery list, IEnumerable<(string Key, string? Value)> filters, string? sort = null,
        int? page = null)
    {
        var sortText = sort ?? list.SortText;
        var defaultSort = (shape.DefaultDescending ? "-" : "") + shape.DefaultSort;
        var number = page ?? (sort is null ? list.Page : 1);
        var query = filters.ToList();
        query.Add(("sort", sortText == defaultSort ? null : sortText));
        query.Add(("pageSize", list.PageSize == shape.DefaultPageSize ? null : list.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        query.Add(("page", number > 1 ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        return StoreLinks.WithQuery(path, [.. query]);
    }
}
