using Bazaar.Catalog;

namespace Bazaar.Web.Components.Admin;

// One row of a category select or table: the tree flattened in display order, with its depth for indenting.
public sealed record CategoryOption(CategoryNode Node, int Depth)
{
    public string IndentedName => new string('\u00A0', Depth * 4) + Node.Name;

    public static List<CategoryOption> Flatten(IEnumerable<CategoryNode> tree)
    {
        var rows = new List<CategoryOption>();
        void Walk(IEnumerable<CategoryNode> nodes, int depth)
        {
            foreach (var node in nodes)
            {
                rows.Add(new CategoryOption(node, depth));
                Walk(node.Children, depth + 1);
            }
        }
        Walk(tree, 0);
        return rows;
    }
}
