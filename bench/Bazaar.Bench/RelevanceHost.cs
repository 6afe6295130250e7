using System.Reflection;
using System.Runtime.Loader;

namespace Bazaar.Bench;

// The bench drives built store processes and does not reference the store's projects. The relevance run needs
// the store's own analysis and ranking in this process, so it loads the Bazaar assembly from the store's
// Release output (built first, like every other benchmark) and calls Bazaar.Search.RelevanceIndex through
// delegates. A ProjectReference from Bazaar.Bench to src/Bazaar would make this direct calls.
public sealed class RelevanceHost : IDisposable
{
    private readonly object _index;
    private readonly Func<string, int, int[]> _search;

    private RelevanceHost(object index, Func<string, int, int[]> search)
    {
        _index = index;
        _search = search;
    }

    public static async Task<RelevanceHost> BuildAsync(int[] ids, string[] titles, string directory, string? ranking)
    {
        await StoreNode.BuildAsync();
        // The store's own output, then the ASP.NET Core shared framework it runs on (beside this process's runtime).
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var aspNet = Path.Combine(runtime, "..", "..", "Microsoft.AspNetCore.App", Path.GetFileName(runtime));
        string[] probe = [StoreNode.StoreDirectory, aspNet];
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var candidate = probe.Select(dir => Path.Combine(dir, name.Name + ".dll")).FirstOrDefault(File.Exists);
            return candidate is null ? null : context.LoadFromAssemblyPath(candidate);
        };
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(StoreNode.StoreDirectory, "Bazaar.dll"));
        var type = assembly.GetType("Bazaar.Search.RelevanceIndex", throwOnError: true)!;
        var build = type.GetMethod("Build", BindingFlags.Public | BindingFlags.Static)!;
        var index = build.Invoke(null, [ids, titles, directory, ranking])!;
        var search = type.GetMethod("Search")!.CreateDelegate<Func<string, int, int[]>>(index);
        return new RelevanceHost(index, search);
    }

    public int[] Search(string query, int take) => _search(query, take);

    public void Dispose() => (_index as IDisposable)?.Dispose();
}
