// Behaviour the pages once wrote inline (onclick, onerror): the Content-Security-Policy allows scripts from the
// store's own files only, so an injected inline handler can never run. See docs/security.md.

// <button data-confirm="Delete this?"> asks before its form is sent.
document.addEventListener("click", (e) => {
  const button = e.target instanceof Element ? e.target.closest("[data-confirm]") : null;
  if (button && !confirm(button.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// <img data-fallback="/img/placeholder.svg"> shows the placeholder when the remote image cannot be loaded.
function fallBack(img) {
  if (img.dataset.fallback && !img.src.endsWith(img.dataset.fallback)) img.src = img.dataset.fallback;
}
document.addEventListener("error", (e) => {
  if (e.target instanceof HTMLImageElement) fallBack(e.target);
}, true);
// Images that failed before this script ran (or that an enhanced navigation brought in) are caught by a sweep.
function sweep() {
  for (const img of document.querySelectorAll("img[data-fallback]")) if (img.complete && img.naturalWidth === 0) fallBack(img);
}
sweep();
document.addEventListener("DOMContentLoaded", sweep);
window.Blazor?.addEventListener?.("enhancedload", sweep);

// The search page's filters drawer (a <details>, so it opens and closes without this script too): Escape and a
// click on the dimmed page beside it close it, and focus goes back to its button.
function closeDrawer(drawer) {
  drawer.open = false;
  drawer.querySelector("summary")?.focus();
}
document.addEventListener("keydown", (e) => {
  const drawer = document.querySelector("details.filters-drawer[open]");
  if (e.key === "Escape" && drawer && getComputedStyle(drawer.querySelector("summary")).position === "fixed") closeDrawer(drawer);
});
document.addEventListener("click", (e) => {
  if (e.target instanceof HTMLDetailsElement && e.target.matches(".filters-drawer[open]")) closeDrawer(e.target);
});
