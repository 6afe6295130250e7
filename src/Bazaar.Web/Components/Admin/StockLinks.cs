namespace Bazaar.Web.Components.Admin;

public static class StockLinks
{
    public static string For(string sku) => "/admin/stock/" + Uri.EscapeDataString(sku);
}
