"""What the page is made of besides the callbacks: example questions, the bokmål head script, CSS, theme."""

from __future__ import annotations

from typing import Any

from ..render import READ_PARAM

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
// A source link (?__READ__=<id>) in an answer opens the reader in this page: the id goes into the hidden box,
// the hidden button asks the server for the reader view (ui.py). Enter on a focused link is a click too.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href*="__READ__="]');
  if (!link) return;
  const id = new URL(link.getAttribute("href"), location.href).searchParams.get("__READ__");
  const box = document.querySelector("#reader-target textarea, #reader-target input");
  const open = document.querySelector("#reader-open");
  if (!id || !box || !open) return;
  event.preventDefault();
  event.stopPropagation();
  box.value = id;
  box.dispatchEvent(new Event("input", {bubbles: true}));
  setTimeout(() => open.click(), 50);
}, true);
new MutationObserver(keepNorwegian).observe(document.documentElement,
  {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label", "lang"]});
 </script>""".replace("__READ__", READ_PARAM)
# After an answer arrives: its start in view (not its end), on a phone where the page scrolls and on a desktop
# where the chat box does.
SCROLL_TO_ANSWER = """() => {
  let last = null, height = -1, tries = 0;
  const settle = () => {  // wait until the newest answer is drawn and its height stops changing, then show its start
    const bots = document.querySelectorAll('#chat [data-testid="bot"]');
    const now = bots[bots.length - 1];
    const h = now ? now.getBoundingClientRect().height : -1;
    if (now && now === last && h === height && h > 0) { now.scrollIntoView({block: "start"}); return; }
    last = now; height = h;
    if (++tries < 30) setTimeout(settle, 100);
  };
  setTimeout(settle, 50);
}"""
# After the reader opens: the highlighted passage in view and focused, so a keyboard user reads on from it.
SCROLL_TO_HIT = """() => { setTimeout(() => {
  const hit = document.getElementById("reader-hit");
  if (hit) { hit.scrollIntoView({block: "center"}); hit.focus({preventScroll: true}); }
}, 120); }"""
# Accessibility fixes found by axe-core (see tests/test_app.py): the selected tab's orange text had a
# contrast of 2.8:1; both tabs must fit a 320 px screen instead of hiding one behind a "More tabs" menu.
CSS = """
.gradio-container { max-width: min(1100px, 100vw) !important; margin: 0 auto; }
#figure-table { max-width: 100%; min-width: 0; overflow-x: auto; }
.tabitem, .tabitem > .column { min-width: 0 !important; max-width: 100%; }
button[role="tab"].selected { color: #1e3a8a !important; }
.dark button[role="tab"].selected { color: #bfdbfe !important; }
details summary { cursor: pointer; text-decoration: underline; }
/* focus: a 3 px dark blue ring (10:1 on white) on every control, text fields included */
button:focus-visible, a:focus-visible, [role="tab"]:focus-visible, input:focus-visible, textarea:focus-visible,
select:focus-visible, [tabindex]:focus-visible, td:focus-visible, th:focus-visible, summary:focus-visible {
  outline: 3px solid #1e3a8a !important; outline-offset: 2px !important; box-shadow: none !important;
}
textarea:focus, input:focus { outline: 3px solid #1e3a8a !important; outline-offset: 1px !important; }
.dark button:focus-visible, .dark a:focus-visible, .dark textarea:focus, .dark input:focus,
.dark [tabindex]:focus-visible { outline-color: #bfdbfe !important; }
#chat a { color: #1e3a8a; text-decoration: underline; }
.dark #chat a { color: #bfdbfe; }
/* the reader */
#reader .reader { max-width: 72ch; line-height: 1.55; }
#reader .reader-hit { background: #fef3c7; outline: 2px solid #92400e; scroll-margin: 80px; }
#reader .reader-hit mark { background: transparent; color: inherit; }
#reader .reader-where { font-style: italic; }
#reader .reader-bullet::before { content: "• "; }
#reader blockquote { border-left: 4px solid #94a3b8; padding-left: 12px; margin-left: 0; }
#reader .reader-table, #figure-chart .row-table { overflow-x: auto; max-width: 100%; }
#reader table, #figure-chart table { border-collapse: collapse; margin: 8px 0; }
#reader td, #figure-chart td { white-space: nowrap; }
#reader th, #reader td, #figure-chart th, #figure-chart td { border: 1px solid #cbd5e1; padding: 4px 8px; text-align: left; }
#reader caption, #figure-chart caption { text-align: left; font-weight: 600; padding: 4px 0; }
/* the figure chart (web/chart.py) */
#figure-chart svg { width: 100%; max-width: 720px; height: auto; font: 12px system-ui, sans-serif; }
#figure-chart svg text { fill: #1f2937; }
#figure-chart .bar { fill: #1d4ed8; }
#figure-chart .gap { fill: none; stroke: #6b7280; stroke-dasharray: 4 3; }
#figure-chart .grid { stroke: #e5e7eb; }
#figure-chart .zero { stroke: #111827; stroke-width: 1.5; }
.dark #figure-chart svg text { fill: #e5e7eb; }
/* phone first: one page that scrolls, no small scroll box for the chat */
@media (max-width: 640px) {
  #chat, #chat > div, #chat .bubble-wrap, #chat .message-wrap { height: auto !important; max-height: none !important;
    overflow: visible !important; }
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
