using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bazaar.Tests.Fixtures;

// A slow database, for a test that needs one: while On, every statement whose text holds all of `words` waits `delay`
// before it is sent (the database itself is real; the round trip just takes longer, as on a busy machine).
public sealed class SlowStatements(TimeSpan delay, params string[] words) : DbCommandInterceptor
{
    public volatile bool On;

    private bool Matches(DbCommand command) => On && words.All(w => command.CommandText.Contains(w, StringComparison.OrdinalIgnoreCase));

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Matches(command)) await Task.Delay(delay, CancellationToken.None);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Matches(command)) await Task.Delay(delay, CancellationToken.None);
        return result;
    }
}
