// Checkout totals that follow the form. Without script the page shows the totals of the address it was rendered
// with, "Update the totals" recomputes them on the server, and the server refuses a placement whose quote changed.
// With script the totals are recomputed as the address or the shipping method changes, and "Place the order" is
// enabled only while the summary shows the quote of the form as it is now (its hash goes with the placement).
(() => {
  const symbols = { USD: "$", EUR: "€", GBP: "£", JPY: "¥", CAD: "CA$", AUD: "A$" };
  const quoteFields = /^Input\.(Name|Line1|Line2|City|Region|PostalCode|Country|Phone|ShippingMethod|CouponCode)$/;

  // As Price.Format on the server: the same symbols, grouping and decimals.
  const money = (amount, code) => {
    const digits = code === "JPY" ? 0 : 2;
    const number = Number(amount).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return symbols[code] ? symbols[code] + number : `${number} ${code}`;
  };

  const start = () => {
    const form = document.getElementById("checkout-form");
    const totals = document.querySelector("[data-testid=checkout-totals]");
    if (!form || !totals || form.dataset.quoteLive) return;
    form.dataset.quoteLive = "true";
    const place = form.querySelector("[data-testid=place-order]");
    const hash = form.querySelector("[data-quote=hash]");
    const part = (name) => document.querySelector(`[data-quote=${name}]`);
    const value = (name) => {
      const field = form.elements.namedItem(`Input.${name}`);
      if (field instanceof RadioNodeList) return field.value || null;
      return field && field.value.trim() !== "" ? field.value : null;
    };
    let timer = 0;
    let asked = 0;

    const show = (quote, couponProblem) => {
      const currency = quote?.currency ?? totals.dataset.currency;
      const set = (name, text) => { const el = part(name); if (el) el.textContent = text; };
      if (quote) set("subtotal", money(quote.subtotal, currency));
      const discounted = !!quote && quote.discount > 0;
      const row = part("discountRow");
      if (row) row.hidden = !discounted;
      set("discount", discounted ? "−" + money(quote.discount, currency) : "");
      set("discountReason", discounted ? quote.discountReason : "");
      const problem = part("couponProblem");
      if (problem) { problem.textContent = couponProblem ?? ""; problem.hidden = !couponProblem; }
      set("shippingCost", quote ? money(quote.shippingCost, currency) : "—");
      set("tax", quote ? money(quote.tax, currency) : "—");
      set("total", quote ? money(quote.total, currency) : "—");
      set("method", quote ? `(${quote.shippingMethodName})` : "");
      set("taxRate", quote ? `(${Number((quote.taxRate * 100).toFixed(2))}%)` : "");
      part("hint").hidden = !!quote;
      hash.value = quote?.hash ?? "";
      totals.removeAttribute("aria-busy");
      place.disabled = !quote;
    };

    const request = () => ({
      shipTo: {
        name: value("Name"), line1: value("Line1"), line2: value("Line2"), city: value("City"), region: value("Region"),
        postalCode: value("PostalCode"), country: value("Country"), phone: value("Phone"),
      },
      shippingMethod: value("ShippingMethod"),
      couponCode: value("CouponCode"),
    });
    // What the totals on screen were computed for: the form as the server rendered it, then each change asked.
    let quoted = JSON.stringify(request());

    const refresh = async () => {
      const mine = ++asked;
      const body = request();
      const headers = { "Content-Type": "application/json" };
      const token = form.querySelector("input[name=__RequestVerificationToken]");
      if (token) headers.RequestVerificationToken = token.value;
      let quote = null;
      let couponProblem = null;
      try {
        const response = await fetch("/api/checkout/quote", { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin" });
        if (response.ok) quote = await response.json();
        else couponProblem = (await response.json())?.errors?.couponCode?.[0] ?? null;
      } catch {
        quote = null;
      }
      // Only the answer to the latest change counts.
      if (mine === asked) show(quote, couponProblem);
    };

    // The totals on screen no longer match the form: nothing can be placed until the new ones show.
    // ("change" also fires when a field loses focus to the place button: unless the value differs, that is no change.)
    const changed = (event) => {
      if (!quoteFields.test(event.target.name ?? "")) return;
      const now = JSON.stringify(request());
      if (now === quoted) return;
      quoted = now;
      place.disabled = true;
      hash.value = "";
      totals.setAttribute("aria-busy", "true");
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
  };

  start();
  // Blazor's enhanced navigation swaps page content without a new load.
  window.Blazor?.addEventListener?.("enhancedload", start);
})();
