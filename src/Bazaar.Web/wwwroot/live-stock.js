// The live stock island keeps its last label when its connection is gone for good (server restarted, network
// lost); say so instead of showing Blazor's full-page overlay. See docs/decisions/0005-live-stock.md.
document.getElementById("components-reconnect-modal")?.addEventListener("components-reconnect-state-changed", (e) => {
  const stale = e.detail?.state === "failed" || e.detail?.state === "rejected";
  for (const el of document.querySelectorAll("[data-live-stock]")) el.classList.toggle("stock-stale", stale);
});
