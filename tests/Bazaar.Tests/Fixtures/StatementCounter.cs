using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Bazaar.Tests.Fixtures;

// Counts the SQL statements (round trips) each HTTP request sends, by the request that sent them: the store adds every
// IInterceptor service to its contexts. A commit is a round trip too and counts as "COMMIT" (a BEGIN rides with the
// first statement on PostgreSQL, so it is not counted on either). Background jobs (no request) are not counted. A request is named by its method
// and its path with numbers and gateway ids cut off ("POST /sandbox-gateway/pay"), and only while Recording.
public sealed class StatementCounter(IHttpContextAccessor http) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentQueue<(string Request, string Sql)> _seen = new();

    public volatile bool Recording;

    public void Clear() => _seen.Clear();

    public IReadOnlyList<string> Of(string request) => [.. _seen.Where(s => s.Request == request).Select(s => s.Sql)];

    public string Describe(string request) =>
        $"{request}: {Of(request).Count} statements\n" + string.Join("\n---\n", Of(request));

    private void Count(DbCommand command) => Count(command.CommandText);

    private void Count(string sql)
    {
        if (!Recording || http.HttpContext?.Request is not { } request) return;
        var segments = request.Path.Value!.Split('/').TakeWhile(s => !s.Any(char.IsDigit) && !s.StartsWith("sbpay_", StringComparison.Ordinal));
        _seen.Enqueue(($"{request.Method} {string.Join('/', segments)}", sql));
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Count("COMMIT");
        return result;
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Count("COMMIT");
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result)
    {
        Count(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Count(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Count(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }
}
