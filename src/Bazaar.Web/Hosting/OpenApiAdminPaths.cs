using System.Text.RegularExpressions;
using Bazaar.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bazaar.Web.Hosting;

// The OpenAPI document shows the back office's endpoints only to admins (and to anyone in Development): to everyone
// else it would be a map of what to attack. The endpoints themselves are guarded by the admin policy regardless.
public sealed partial class OpenApiAdminPaths(IHttpContextAccessor http, IHostEnvironment environment) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (environment.IsDevelopment() || http.HttpContext?.User.IsInRole(Roles.Admin) == true) return Task.CompletedTask;

        var admin = context.DescriptionGroups.SelectMany(g => g.Items)
            .Where(d => d.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any(IsAdmin))
            .Select(d => (Path: "/" + Constraint().Replace(d.RelativePath ?? "", "{$1}"), Method: d.HttpMethod ?? ""))
            .ToHashSet();
        foreach (var (path, item) in document.Paths.ToList())
        {
            if (path.StartsWith("/api/admin", StringComparison.OrdinalIgnoreCase))
            {
                document.Paths.Remove(path);
                continue;
            }
            if (item.Operations is not { } operations) continue;
            foreach (var method in operations.Keys.Where(m => admin.Contains((path, m.Method))).ToList()) operations.Remove(method);
            if (operations.Count == 0) document.Paths.Remove(path);
        }

        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Tags?.AsEnumerable() ?? []).Select(t => t.Name).ToHashSet();
        foreach (var unused in document.Tags?.Where(t => !used.Contains(t.Name)).ToList() ?? []) document.Tags!.Remove(unused);
        return Task.CompletedTask;
    }

    private static bool IsAdmin(IAuthorizeData a) =>
        a.Policy == Roles.Admin || (a.Roles?.Split(',').Any(r => r.Trim() == Roles.Admin) ?? false);

    // "{id:int}" in a route template is "{id}" in the document.
    [GeneratedRegex(@"\{([^}:=?]+)[^}]*\}")]
    private static partial Regex Constraint();
}
