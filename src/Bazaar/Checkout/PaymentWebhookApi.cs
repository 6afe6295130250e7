using System.Text.Json;
using Bazaar.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Checkout;

public sealed record WebhookAnswer(string EventId, string Outcome);

// The gateway's webhooks: POST /api/payments/webhook. Authenticated by the signature alone (WebhookSignature: HMAC of
// timestamp and body with the shared secret, within Payments:WebhookTolerance), so no cookie and no antiforgery token.
// Processed once per event id, each through the payment's transition table; an event that is no move from the
// payment's status is recorded and ignored, so late, repeated and out-of-order deliveries end in the same state.
// Lives in Checkout because an authorisation places the order (Checkout.CompletePaymentAsync).
public static class PaymentWebhookApi
{
    public const string Path = "/api/payments/webhook";
    private const int MaxBody = 64 * 1024;

    public static IEndpointRouteBuilder MapPaymentWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, Receive).WithTags("Payments").DisableAntiforgery();
        return app;
    }

    // 200 processed (or already processed: outcome "duplicate"); 400 not an event; 401 bad or stale signature;
    // 404 no such payment; 503 the store could not finish (the gateway delivers it again).
    private static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> Receive(HttpContext http, Payments.Payments payments,
        Checkout checkout, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxBody) return Problem(StatusCodes.Status413PayloadTooLarge, "The event is too large.");
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(ct);
        if (payments.CheckWebhookSignature(http.Request.Headers[WebhookSignature.Header], body) is { } why)
            return Problem(StatusCodes.Status401Unauthorized, why, "The webhook's signature was refused.");
        if (Parse(body) is not { } e) return Problem(StatusCodes.Status400BadRequest, "The body is not a payment event (id, type, data.paymentId).");
        if (await payments.FindByGatewayIdAsync(e.PaymentId, ct) is not { } payment)
            return Problem(StatusCodes.Status404NotFound, $"There is no payment {e.PaymentId} in this store.");
        if (await payments.HasProcessedEventAsync(e.EventId, ct)) return TypedResults.Ok(new WebhookAnswer(e.EventId, "duplicate"));
        bool applied;
        try
        {
            applied = e.Type switch
            {
                "payment.authorised" => await AuthorisedAsync(e, payment, checkout, ct),
                "payment.declined" => await DeclinedAsync(e, payment, payments, ct),
                "payment.captured" => await payments.ConfirmCaptureAsync(payment.OrderId, e.Reference ?? e.EventId, ct),
                "payment.voided" => await payments.ConfirmVoidAsync(payment.OrderId, ct),
                // Refunds are the store's own calls, recorded when they were answered; other types are not used here.
                _ => false,
            };
        }
        catch (PaymentFailed f)
        {
            return Problem(StatusCodes.Status409Conflict, f.Message, "The event does not fit the payment.");
        }
        await payments.RecordEventAsync(e.EventId, e.PaymentId, e.Type, applied, ct);
        return TypedResults.Ok(new WebhookAnswer(e.EventId, applied ? "applied" : "ignored"));
    }

    // The payment as it was read for this event: a concurrent change after the read is settled by the transition
    // table inside CompletePaymentAsync (the order's move and the payment's are both conditional).
    private static async Task<bool> AuthorisedAsync(WebhookEvent e, PaymentRef payment, Checkout checkout, CancellationToken ct)
    {
        if (payment.Status != PaymentStatus.Pending) return false;
        if (e.Amount is { } amount && amount != payment.Amount)
            throw new PaymentFailed(payment.OrderId, $"The gateway authorised {amount}, but the order is for {payment.Amount}.");
        return await checkout.CompletePaymentAsync(payment.OrderId, payment.Amount, e.CardBrand, e.CardLast4, "payment gateway", ct) == CheckoutOutcome.Paid;
    }

    private static async Task<bool> DeclinedAsync(WebhookEvent e, PaymentRef payment, Payments.Payments payments, CancellationToken ct)
    {
        if (payment.Status != PaymentStatus.Pending) return false;
        // Not a move: the payment stays open for another card; the try goes on the record.
        await payments.RecordDeclineAsync(payment.OrderId, payment.Amount, e.Message, ct);
        return true;
    }

    private sealed record WebhookEvent(string EventId, string Type, string PaymentId, decimal? Amount, string? CardBrand, string? CardLast4,
        string? Message, string? Reference);

    private static WebhookEvent? Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) return null;
            var id = Text(root, "id");
            var type = Text(root, "type");
            var paymentId = Text(data, "paymentId");
            if (id is not { Length: > 0 and <= 100 } || type is not { Length: > 0 and <= 40 } || paymentId is not { Length: > 0 and <= 64 }) return null;
            var details = data.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            decimal? amount = details.ValueKind == JsonValueKind.Object && details.TryGetProperty("amount", out var a)
                && a.ValueKind == JsonValueKind.Number && a.TryGetDecimal(out var value) ? value : null;
            return new WebhookEvent(id, type, paymentId, amount, Text(details, "cardBrand"), Text(details, "cardLast4"), Text(details, "message"),
                Text(details, "reference"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ProblemHttpResult Problem(int status, string detail, string? title = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
