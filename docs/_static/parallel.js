// 中英对照: each translated block's English original opens with a tap on the
// block itself or on its button, a mark in the margin (both written into the
// page at build time, the original hidden); the page toggle shows them all and
// is remembered across pages.
(() => {
  const STORAGE_KEY = "blitz-show-originals";
  const pageToggle = document.querySelector(".blitz-page-toggle");
  if (!pageToggle) return;
  const buttons = [];

  function show(button, original, shown) {
    original.hidden = !shown;
    button.setAttribute("aria-expanded", String(shown));
  }

  for (const button of document.querySelectorAll(".blitz-original-toggle")) {
    const original = document.getElementById(button.getAttribute("aria-controls"));
    if (!original) continue;
    button.addEventListener("click", () => show(button, original, original.hidden));
    // A tap on the text does the same, unless it follows a link, opens a glossary tooltip or selects text.
    button.parentElement.addEventListener("click", (event) => {
      if (event.target.closest("a, button, .blitz-term") || String(window.getSelection())) return;
      show(button, original, original.hidden);
    });
    buttons.push([button, original]);
  }

  function showAll(shown, remember) {
    document.documentElement.classList.toggle("blitz-originals-on", shown);
    pageToggle.setAttribute("aria-pressed", String(shown));
    for (const [button, original] of buttons) show(button, original, shown);
    if (remember) {
      try {
        localStorage.setItem(STORAGE_KEY, shown ? "on" : "off");
      } catch (error) {
        // Storage may be unavailable (private mode); the toggle still works on this page.
      }
    }
  }

  pageToggle.addEventListener("click", () => showAll(pageToggle.getAttribute("aria-pressed") !== "true", true));
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch (error) {
    stored = null;
  }
  if (stored === "on") showAll(true, false);
})();

// Glossary tooltips close with Escape (WCAG 1.4.13) and come back on the next focus or hover.
document.addEventListener("keydown", (event) => {
  const term = event.target.closest && event.target.closest(".blitz-term");
  if (event.key === "Escape" && term) term.classList.add("blitz-term-dismissed");
});
for (const type of ["focusout", "mouseleave"]) {
  document.addEventListener(type, (event) => {
    if (event.target.classList && event.target.classList.contains("blitz-term")) {
      event.target.classList.remove("blitz-term-dismissed");
    }
  }, true);
}
