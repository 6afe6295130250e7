namespace Bazaar.Catalog;

// A node of the category tree. A department is a category without a parent; the tree may be any depth.
public sealed class Category
{
    public int Id { get; set; }
    public int? ParentId { get; set; }
    public Category? Parent { get; set; }
    public List<Category> Children { get; set; } = [];
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public int Position { get; set; }
}
