namespace Bazaar.Web.Components.Shop;

public sealed record Crumb(string Text, string Href);
