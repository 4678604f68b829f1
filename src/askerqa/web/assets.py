"""What the page is made of besides the callbacks: example questions, the bokmål head script, CSS, theme."""

from __future__ import annotations

from typing import Any

EXAMPLES = [
    "Hvor høyt var sykefraværet i 2022?",
    "Hvor mange flyktninger tok kommunen imot i 2022?",
    "Hva er klimamålet til kommunen fram mot 2030?",
    "Hvor mange bibliotek har kommunen?",
    "Hvilke verdier har kommunen?",
    "Hva er Velferdslab?",
    "barnehagedekning asker nord",
    "How many apprentices does the municipality employ?",
]
# Gradio picks its interface language from the browser (navigator.language) and writes it into
# <html lang>, so an English browser got lang="en" and English buttons on a bokmål page. This script
# goes first in <head> (see middleware.NorwegianPage), before Gradio's own code reads the browser's language.
LOCALE_SCRIPT = b"""<script>(() => {
  const langs = ["nb-NO", "nb"];
  try {
    Object.defineProperty(Navigator.prototype, "language", {get: () => langs[0], configurable: true});
    Object.defineProperty(Navigator.prototype, "languages", {get: () => langs, configurable: true});
  } catch (e) { /* an old browser keeps its own language; the observer below still fixes lang */ }
  document.documentElement.setAttribute("lang", "nb");
})();</script>"""
# Gradio puts the raw Markdown of each chat message in an aria-label, so a screen reader would read
# "star star 9,3 prosent star star" and the <details> markup: drop it so the rendered message is read.
# Gradio's "More tabs" and "Empty value" labels have no translation; <html lang> stays "nb" whatever sets it.
# Gradio's error toasts have English titles ("Error"): they are renamed as they appear.
HEAD = """<script>
const keepNorwegian = () => {
  if (document.documentElement.getAttribute("lang") !== "nb") document.documentElement.setAttribute("lang", "nb");
  for (const el of document.querySelectorAll('[data-testid="bot"][aria-label], [data-testid="user"][aria-label]')) {
    el.removeAttribute("aria-label");
  }
  for (const el of document.querySelectorAll('button[aria-label="More tabs"]')) el.setAttribute("aria-label", "Flere faner");
  // an empty chart's placeholder: an English aria-label on a plain div, which ARIA does not allow
  for (const el of document.querySelectorAll('div.empty[aria-label="Empty value"]')) {
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", "Tomt");
  }
  for (const el of document.querySelectorAll('.toast-title')) {
    if (el.textContent.trim() === "Error") el.textContent = "Feil";
    if (el.textContent.trim() === "Warning") el.textContent = "Advarsel";
  }
};
keepNorwegian();
new MutationObserver(keepNorwegian).observe(document.documentElement,
  {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label", "lang"]});
</script>"""
# Accessibility fixes found by axe-core (see tests/test_app.py): the selected tab's orange text had a
# contrast of 2.8:1; both tabs must fit a 320 px screen instead of hiding one behind a "More tabs" menu.
CSS = """
.gradio-container { max-width: min(1100px, 100vw) !important; margin: 0 auto; }
#figure-table { max-width: 100%; min-width: 0; overflow-x: auto; }
.tabitem, .tabitem > .column { min-width: 0 !important; max-width: 100%; }
button[role="tab"].selected { color: #1e3a8a !important; }
.dark button[role="tab"].selected { color: #bfdbfe !important; }
details summary { cursor: pointer; text-decoration: underline; }
@media (max-width: 480px) {
  .tab-container button { padding-left: 6px !important; padding-right: 6px !important; font-size: 13px !important; }
}
"""


def theme() -> Any:
    """System fonts only: the default theme would fetch fonts from Google, and this page calls nobody."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="blue", font=["system-ui", "Segoe UI", "Roboto", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"],
    ).set(button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
          button_primary_text_color="white")
