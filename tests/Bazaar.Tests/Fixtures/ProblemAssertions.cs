using System.Net;
using System.Text.Json;

namespace Bazaar.Tests.Fixtures;

public static class ProblemAssertions
{
    // Asserts an RFC 9457 problem with the status, and (when given) an error entry naming the field.
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors), $"No 'errors' in {body}");
            Assert.True(errors.TryGetProperty(field, out _), $"The problem does not name '{field}': {body}");
        }
        return problem;
    }
}
