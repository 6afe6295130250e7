namespace Bazaar.Platform;

// One page of a list, with the total it was cut from.
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, string Sort)
{
    public int PageCount => PageSize == 0 ? 0 : (Total + PageSize - 1) / PageSize;
}
