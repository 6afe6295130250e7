// Cart hold countdowns. The page already says "until 14:32 UTC (29 min left)" without script; this rewrites the
// time in the shopper's own zone and counts the time left down every second.
(() => {
  let timer = 0;

  const timeLeft = (ms) => {
    if (ms <= 0) return "time's up";
    const total = Math.floor(ms / 1000);
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    return (h > 0 ? `${h} h ${m} min ${s} s` : m > 0 ? `${m} min ${s} s` : `${s} s`) + " left";
  };

  const tick = () => {
    const clocks = document.querySelectorAll("[data-expires-at]");
    const now = Date.now();
    for (const el of clocks) {
      const at = Date.parse(el.dataset.expiresAt);
      if (!Number.isNaN(at)) el.textContent = timeLeft(at - now);
    }
    if (clocks.length === 0 && timer) {
      clearInterval(timer);
      timer = 0;
    }
  };

  const start = () => {
    for (const el of document.querySelectorAll("time[data-local-time]")) {
      const at = new Date(el.dateTime);
      if (!Number.isNaN(at.getTime())) el.textContent = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }
    if (!timer && document.querySelector("[data-expires-at]")) {
      tick();
      timer = setInterval(tick, 1000);
    }
  };

  start();
  // Blazor's enhanced navigation swaps page content without a new load.
  window.Blazor?.addEventListener?.("enhancedload", start);
})();
