using System.ComponentModel.DataAnnotations;

namespace Bazaar.Cart;

public sealed class CartOptions
{
    public const string Section = "Cart";

    // Lines one cart may have. Every cart read walks them all, and each can hold stock.
    [Range(1, 1000)]
    public int MaxLines { get; set; } = 50;
}
