using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Search;

// The synonym rules in force on this node: those from configuration plus those admins added (in the
// database, so every node sees them; each node re-reads them every Search:SynonymRefreshInterval).
public sealed class SearchSynonyms(IOptions<SearchOptions> options, TimeProvider clock)
{
    private volatile SynonymSet? _current;
    private IReadOnlyList<string> _rules = [];

    public SynonymSet Current => _current ??= SynonymSet.Parse(options.Value.Synonyms);

    public DateTimeOffset? LoadedAt { get; private set; }

    public IReadOnlyList<string> Configured => options.Value.Synonyms;

    public async Task RefreshAsync(BazaarDb db, CancellationToken ct)
    {
        var stored = await db.SynonymRules.AsNoTracking().OrderBy(r => r.Id).Select(r => r.Rule).ToListAsync(ct);
        var rules = options.Value.Synonyms.Concat(stored).ToList();
        // The same rules keep the same set: searches cached against it stay valid (see SearchResultCache).
        if (_current is null || !rules.SequenceEqual(_rules, StringComparer.Ordinal))
        {
            _current = SynonymSet.Parse(rules);
            _rules = rules;
        }
        LoadedAt = clock.GetUtcNow();
    }

    public async Task<IReadOnlyList<SynonymRuleView>> ListAsync(BazaarDb db, CancellationToken ct) =>
        await db.SynonymRules.AsNoTracking().OrderBy(r => r.Id).Select(r => new SynonymRuleView(r.Id, r.Rule)).ToListAsync(ct);

    public async Task<SynonymRuleView> AddAsync(BazaarDb db, string rule, CancellationToken ct)
    {
        if (!SynonymSet.TryParse(rule, out _, out var error)) throw new InvalidSynonymException(error!);
        var row = new SynonymRule { Rule = rule.Trim(), UpdatedAt = clock.GetUtcNow() };
        db.SynonymRules.Add(row);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await RefreshAsync(db, ct);
        return new SynonymRuleView(row.Id, row.Rule);
    }

    public async Task RemoveAsync(BazaarDb db, int id, CancellationToken ct)
    {
        var removed = await db.SynonymRules.Where(r => r.Id == id).ExecuteDeleteAsync(ct);
        if (removed == 0) throw new KeyNotFoundException($"No synonym rule with id {id}.");
        await RefreshAsync(db, ct);
    }
}

public sealed record SynonymRuleView(int Id, string Rule);

public sealed class InvalidSynonymException(string message) : Exception(message);
