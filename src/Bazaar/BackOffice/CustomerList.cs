using Bazaar.Accounts;
using Bazaar.Orders;
using Bazaar.Platform;
using Bazaar.Reviews;

namespace Bazaar.BackOffice;

public sealed record CustomerRow(CustomerAccount Account, CustomerFigures Figures);

public sealed record CustomerDetails(CustomerAccount Account, CustomerFigures Figures, OrderPage Orders, IReadOnlyList<ShippingAddress> Addresses,
    ListPage<ReviewView> Reviews);

// The back office's customers: accounts (Accounts) with what they bought (Orders), found by name or e-mail.
public sealed class CustomerList(CustomerDirectory directory, OrderReports reports, Orders.Orders orders, Checkout.Checkout checkout,
    ReviewList reviews)
{
    public const int AddressesShown = 10;

    public async Task<ListPage<CustomerRow>> SearchAsync(string? text, ListQuery list, CancellationToken ct = default)
    {
        if (list.Sort is "name" or "email" or "joined")
        {
            var (accounts, total) = await directory.SearchAsync(text, list, ct);
            var figures = await reports.CustomerFiguresAsync(accounts.Select(a => a.Id).ToList(), ct);
            return new ListPage<CustomerRow>(accounts.Select(a => new CustomerRow(a, figures.GetValueOrDefault(a.Id) ?? CustomerFigures.None)).ToList(),
                total, list.Page, list.PageSize, list.SortText);
        }
        // Sorted by what the accounts bought: every matching id with its figures, ordered here, then one page of accounts.
        var ids = await directory.IdsMatchingAsync(text, ct);
        var all = await reports.CustomerFiguresAsync(string.IsNullOrWhiteSpace(text) ? null : ids, ct);
        IEnumerable<string> ranked = list.Sort switch
        {
            "orders" => ids.OrderBy(id => Figures(all, id).Orders),
            "spent" => ids.OrderBy(id => Figures(all, id).Spent),
            _ => ids.OrderBy(id => Figures(all, id).LastOrder ?? DateTimeOffset.MinValue),
        };
        if (list.Descending) ranked = ranked.Reverse();
        var pageIds = ranked.Skip(list.Skip).Take(list.PageSize).ToList();
        var rows = (await directory.GetManyAsync(pageIds, ct)).Select(a => new CustomerRow(a, Figures(all, a.Id))).ToList();
        return new ListPage<CustomerRow>(rows, ids.Count, list.Page, list.PageSize, list.SortText);
    }

    public async Task<CustomerDetails?> GetAsync(string id, int ordersPage, int reviewsPage, CancellationToken ct = default)
    {
        if (await directory.FindAsync(id, ct) is not { } account) return null;
        var figures = (await reports.CustomerFiguresAsync([id], ct)).GetValueOrDefault(id) ?? CustomerFigures.None;
        var placed = await orders.SearchAsync(new OrderSearch(CustomerId: id, Page: ordersPage, PageSize: 20), ct);
        var addresses = (await checkout.ListAddressesAsync(id, ct)).Concat(await reports.AddressesOfAsync(id, AddressesShown, ct))
            .Distinct().Take(AddressesShown).ToList();
        var written = await reviews.SearchAsync(new ReviewListFilter(CustomerId: id),
            new ListQuery(reviewsPage, 20, "newest", false), ct);
        return new CustomerDetails(account, figures, placed, addresses, written);
    }

    private static CustomerFigures Figures(IReadOnlyDictionary<string, CustomerFigures> all, string id) =>
        all.GetValueOrDefault(id) ?? CustomerFigures.None;
}
