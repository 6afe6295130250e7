using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Payments.Sandbox;

// The sandbox's hosted card page, mounted at /sandbox-gateway: plain HTML of its own (no store layout, no script),
// the only place a card number is typed. A valid card is answered and forgotten (brand and last4 go to the ledger);
// the page never writes a typed number or security code back into its HTML.
public static class SandboxPages
{
    public static IEndpointRouteBuilder MapSandboxGateway(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(SandboxGateway.BasePath).ExcludeFromDescription();
        pages.MapGet("/pay/{paymentId}", Show);
        // The page's own form; a cross-site post needs the unguessable payment id and still cannot move money elsewhere.
        pages.MapPost("/pay/{paymentId}", Pay).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> Show(string paymentId, SandboxGateway sandbox, CancellationToken ct)
    {
        var payment = await sandbox.FindAsync(paymentId, ct);
        if (payment is null) return Page(StatusCodes.Status404NotFound, "No such payment", "<p>This payment does not exist.</p>");
        return payment.Status == GatewayPaymentStatus.RequiresPaymentMethod
            ? Page(StatusCodes.Status200OK, "Pay " + Amount(payment), Form(payment, null, []))
            : Closed(payment);
    }

    private static async Task<IResult> Pay(string paymentId, HttpContext http, SandboxGateway sandbox, SandboxClientLimit clients,
        TimeProvider clock, CancellationToken ct)
    {
        var payment = await sandbox.FindAsync(paymentId, ct);
        if (payment is null) return Page(StatusCodes.Status404NotFound, "No such payment", "<p>This payment does not exist.</p>");
        if (payment.Status != GatewayPaymentStatus.RequiresPaymentMethod) return Closed(payment);
        if (sandbox.TooManyAttempts(payment))
            return TooMany(http, TimeSpan.FromMinutes(10), "Too many card tries on this payment. Go back to the shop and start the checkout again.", payment);
        if (await clients.TakeAsync(http.Connection.RemoteIpAddress?.ToString() ?? "unknown") is { } wait)
            return TooMany(http, wait, "Too many card tries from your address. Wait a minute and try again.", payment);

        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var card = SandboxCard.Parse(form?["number"], form?["expiryMonth"], form?["expiryYear"], form?["cvc"], clock.GetUtcNow(), errors);
        if (card is null)
        {
            await sandbox.CountFailedAttemptAsync(paymentId, ct);
            return Page(StatusCodes.Status400BadRequest, "Check the card", Form(payment, "Please correct the fields marked below.", errors));
        }
        var result = await sandbox.PayAsync(payment, card, ct);
        return result.Outcome switch
        {
            SandboxPayOutcome.Authorised => Results.Redirect(payment.ReturnUrl, permanent: false, preserveMethod: false),
            SandboxPayOutcome.Declined => Page(StatusCodes.Status402PaymentRequired, "Card declined",
                Form(payment, $"{result.Message} Nothing was charged. Try another card.", [])),
            SandboxPayOutcome.Closed => Closed(result.Payment!),
            _ => Page(StatusCodes.Status404NotFound, "No such payment", "<p>This payment does not exist.</p>"),
        };
    }

    private static IResult Closed(SandboxPayment payment) => payment.Status == GatewayPaymentStatus.Voided
        ? Page(StatusCodes.Status409Conflict, "Payment cancelled",
            $"<p>The shop cancelled this payment; nothing was charged.</p><p><a href=\"{E(payment.ReturnUrl)}\">Back to the shop</a></p>")
        : Page(StatusCodes.Status409Conflict, "Already paid",
            $"<p>This payment is already authorised ({E(payment.CardBrand)} ending {E(payment.CardLast4)}).</p>"
            + $"<p><a href=\"{E(payment.ReturnUrl)}\">Back to the shop</a></p>");

    private static IResult TooMany(HttpContext http, TimeSpan wait, string message, SandboxPayment payment)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Page(StatusCodes.Status429TooManyRequests, "Too many tries",
            $"<p role=\"alert\">{E(message)}</p><p><a href=\"{E(payment.ReturnUrl)}\">Back to the shop</a></p>");
    }

    private static string Form(SandboxPayment payment, string? problem, Dictionary<string, string> errors)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"amount\">Pay <strong data-testid=\"sandbox-amount\">{E(Amount(payment))}</strong> to the shop</p>");
        if (problem is not null) html.Append(CultureInfo.InvariantCulture, $"<p role=\"alert\" class=\"problem\" data-testid=\"sandbox-problem\">{E(problem)}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(SandboxGateway.PayPath(payment.Id))}\" autocomplete=\"off\">");
        Field(html, "number", "Card number", "cc-number", "numeric", errors);
        Field(html, "expiryMonth", "Expiry month (1-12)", "cc-exp-month", "numeric", errors);
        Field(html, "expiryYear", "Expiry year", "cc-exp-year", "numeric", errors);
        Field(html, "cvc", "Security code", "cc-csc", "numeric", errors);
        html.Append("<button type=\"submit\">Pay</button></form>");
        html.Append("<p class=\"hint\">Sandbox: no money moves. 4242 4242 4242 4242 is authorised, 4000 0000 0000 0002 is declined, ")
            .Append("4000 0000 0000 9995 has insufficient funds; any future expiry date and any 3 digits.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(payment.ReturnUrl)}\">Cancel and go back to the shop</a></p>");
        return html.ToString();
    }

    // Inputs are always empty: what was typed is never written back into the page.
    private static void Field(StringBuilder html, string name, string label, string autocomplete, string mode, Dictionary<string, string> errors)
    {
        html.Append(CultureInfo.InvariantCulture,
            $"<p><label for=\"{name}\">{label}</label><br><input id=\"{name}\" name=\"{name}\" inputmode=\"{mode}\" autocomplete=\"{autocomplete}\">");
        if (errors.TryGetValue(name, out var error)) html.Append(CultureInfo.InvariantCulture, $"<br><span class=\"problem\">{E(error)}</span>");
        html.Append("</p>");
    }

    private static string Amount(SandboxPayment payment) => payment.Amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + payment.Currency;

    private static IResult Page(int status, string title, string body) => Results.Content(
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer"><title>{E(title)} · Sandbox payments</title></head>
        <body><main><p><strong>Sandbox payments</strong> (a test payment provider: not the shop)</p><h1>{E(title)}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
