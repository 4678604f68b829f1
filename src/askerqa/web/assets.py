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
# Gradio's own labels that go through its translations but that its bokmål lacks (given to the page through
# gr.I18n in ui.py); the ones it hard-codes in English are renamed by the head script below (NB_LABELS).
GRADIO_NB = {
    "chatbot.copy_message": "Kopier meldingen", "chatbot.copied_message": "Meldingen er kopiert",
    "common.complete": "Ferdig", "common.upload": "Last opp", "common.progress": "Framdrift",
    "common.download_all": "Last ned alle", "dataframe.filter": "Filtrer", "dataframe.clear_filter": "Fjern filteret",
    "status.queue_position": "I kø: {position} av {size}",
}
# Gradio puts the raw Markdown of each chat message in an aria-label, so a screen reader would read
# "star star 9,3 prosent star star" and the <details> markup: drop it so the rendered message is read.
# Gradio hard-codes some labels and titles in English ("Liked", "Copy table data", "Open cell menu", "Close"):
# NB_LABELS renames them as they appear; <html lang> stays "nb" whatever sets it. Toast titles ("Info",
# "Error") are renamed the same way.
HEAD = """<script>
const NB_LABELS = {
  "Copy message": "Kopier meldingen", "Copied message": "Meldingen er kopiert", "Copy": "Kopier", "Copied": "Kopiert",
  "Copy table data": "Kopier tabellen", "Copied to clipboard": "Kopiert", "Open cell menu": "Cellemeny",
  "Table actions": "Tabellvalg", "Select column": "Velg kolonnen", "Select row": "Velg raden",
  "File upload": "Last opp fil", "chatbot conversation": "Samtale", "Liked": "Likt", "Disliked": "Ikke likt",
  "Close": "Lukk", "Loading response": "Henter svaret", "Scroll down": "Rull ned", "More tabs": "Flere faner",
  "Static column": "Fast kolonne", "Filtered": "Filtrert", "Feedback": "Tilbakemelding", "Download": "Last ned",
};
const NB_TITLES = {"Info": "Melding", "Error": "Feil", "Warning": "Advarsel", "Success": "Utført"};
const NB_SELECTOR = Object.keys(NB_LABELS).flatMap((k) => [`[aria-label="${k}"]`, `[title="${k}"]`]).join(", ");
const keepNorwegian = () => {
  if (document.documentElement.getAttribute("lang") !== "nb") document.documentElement.setAttribute("lang", "nb");
  for (const el of document.querySelectorAll('[data-testid="bot"][aria-label], [data-testid="user"][aria-label]')) {
    el.removeAttribute("aria-label");
  }
  for (const el of document.querySelectorAll(NB_SELECTOR)) {
    for (const name of ["aria-label", "title"]) {
      const value = el.getAttribute(name);
      if (value && Object.prototype.hasOwnProperty.call(NB_LABELS, value)) el.setAttribute(name, NB_LABELS[value]);
    }
  }
  // an empty chart's placeholder: an English aria-label on a plain div, which ARIA does not allow
  for (const el of document.querySelectorAll('div.empty[aria-label="Empty value"]')) {
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", "Tomt");
  }
  for (const el of document.querySelectorAll('.toast-title')) {
    const title = el.textContent.trim();
    if (Object.prototype.hasOwnProperty.call(NB_TITLES, title)) el.textContent = NB_TITLES[title];
  }
};
keepNorwegian();
// The question an answer replied to (and the answer's figures in bold): the reader uses it to show the asked
// table column (reader.asked_columns). Only matched there, never shown.
const askedFor = (link) => {
  const bot = link.closest('[data-testid="bot"]');
  if (!bot) return "";
  const turns = Array.from(document.querySelectorAll('#chat [data-testid="user"], #chat [data-testid="bot"]'));
  const user = turns.slice(0, turns.indexOf(bot)).reverse().find((el) => el.matches('[data-testid="user"]'));
  const read = Array.from(bot.querySelectorAll("em")).filter((el) => el.innerText.startsWith("Tolket som"));
  const parts = [user ? user.innerText : "", ...read.map((el) => el.innerText),
                 ...Array.from(bot.querySelectorAll("strong")).map((el) => el.innerText)];
  return parts.join(" | ").replace(/\\s+/g, " ").slice(0, 500);
};
// A source link (?__READ__=<id>) in an answer opens the reader in this page: the id (and askedFor) go into the
// hidden box, the hidden button asks the server for the reader view (ui.py). Enter on a focused link is a click
// too. The link is remembered so «Tilbake til samtalen» can put focus back on it (BACK_TO_SOURCE).
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href*="__READ__="]');
  if (!link) return;
  const id = new URL(link.getAttribute("href"), location.href).searchParams.get("__READ__");
  const box = document.querySelector("#reader-target textarea, #reader-target input");
  const open = document.querySelector("#reader-open");
  if (!id || !box || !open) return;
  event.preventDefault();
  event.stopPropagation();
  window.askerqaSource = {link, index: Array.from(document.querySelectorAll('#chat a[href*="__READ__="]')).indexOf(link)};
  box.value = id + "\\n" + askedFor(link);
  box.dispatchEvent(new Event("input", {bubbles: true}));
  setTimeout(() => open.click(), 50);
}, true);
// Bring the reader's element `selector` into view and focus it, once the new reader HTML is on the page (the
// element shown last time is stale); in a wide table, scroll its region sideways to the asked column too.
window.askerqaShow = (selector, block) => {
  let tries = 0;
  const show = () => {
    const el = document.querySelector(selector);
    if ((!el || el === window.askerqaShown || el.offsetParent === null) && ++tries < 30) return setTimeout(show, 50);
    if (!el) return;
    window.askerqaShown = el;
    const fits = el.getBoundingClientRect().height < window.innerHeight * 0.8;
    el.scrollIntoView({block: block || (fits ? "nearest" : "start"), inline: "nearest"});
    const region = el.closest(".reader-table");
    const asked = el.querySelectorAll("td.reader-asked");
    if (region && asked.length) {
      const r = region.getBoundingClientRect(), c = asked[asked.length - 1].getBoundingClientRect();
      if (c.right > r.right) region.scrollLeft += c.right - r.right + 12;
    }
    el.focus({preventScroll: true});
  };
  setTimeout(show, 50);
};
new MutationObserver(keepNorwegian).observe(document.documentElement,
  {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label", "title", "lang"]});
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
# After the reader opens: the highlighted passage in view and focused, so a keyboard user reads on from it
# (and, in a wide table, its asked column in view).
SCROLL_TO_HIT = """() => window.askerqaShow("#reader-hit", "center")"""
# After «Forrige/Neste avsnitt»: the passage that came into the window in view and focused (reader.NEW_ATTR).
SHOW_NEW = """() => window.askerqaShow("#reader [data-reader-new]")"""
# After «Tilbake til samtalen»: focus back on the source link the reader was opened from (the question box when it
# was opened from the address), once the chat tab shows again.
BACK_TO_SOURCE = """() => {
  const saved = window.askerqaSource || {};
  let tries = 0;
  const back = () => {
    const links = document.querySelectorAll('#chat a[href*="__READ__="]');
    const link = saved.link && saved.link.isConnected ? saved.link : links[saved.index];
    const el = link || document.querySelector("#question textarea");
    if ((!el || el.offsetParent === null) && ++tries < 40) return setTimeout(back, 50);
    if (!el) return;
    el.scrollIntoView({block: "center"});
    el.focus({preventScroll: true});
  };
  setTimeout(back, 0);
}""".replace("__READ__", READ_PARAM)
# At load: focus in the question box, not on <body> five Tabs before it; preventScroll keeps the page's top (title,
# intro) in view on a phone. Not when the address opens the reader (SCROLL_TO_HIT focuses the passage then) or
# when the user has already moved focus.
FOCUS_QUESTION = """() => {
  const box = document.querySelector("#question textarea");
  const idle = !document.activeElement || document.activeElement === document.body;
  if (box && idle && !new URLSearchParams(location.search).has("__READ__")) box.focus({preventScroll: true});
}""".replace("__READ__", READ_PARAM)
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
/* a wide reader table scrolls sideways in its region; the row labels stay put, the asked column is outlined */
#reader .reader-table th:first-child { position: sticky; left: 0; z-index: 1; max-width: 55vw;
  background: var(--background-fill-primary, #fff); }
#reader .reader-table-title { font-weight: 600; margin: 12px 0 0; }
#reader .reader-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; }
#reader .reader-table tr.reader-hit th:first-child { background: #fef3c7; }
#reader .reader-hit { color: #111827; }
#reader .reader-asked { outline: 2px solid #1e3a8a; outline-offset: -2px; }
/* paging's new passage: room below it for a "tabellen fortsetter" note; a focused row ringed on its cells, as a
   row's own outline hides under the sticky labels */
#reader [data-reader-new] { scroll-margin: 80px 0 120px; }
#reader tr:focus-visible { outline: none !important; }
#reader tr:focus-visible > th, #reader tr:focus-visible > td { box-shadow: inset 0 3px 0 #1e3a8a, inset 0 -3px 0 #1e3a8a; }
#reader .reader-cut, #reader .reader-end { font-style: italic; border-left: 4px solid #1e3a8a; padding-left: 8px; }
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
/* figure finder: begin */
/* The hits (web/finder.py results_html): one card per row on a phone, four columns from a 760 px wide window
   (a media query: Gradio drops @container rules from custom CSS). A value or a figure is never broken inside
   (`97 800`, `7,7 %` stay on one line); words wrap only between words. */
#figure-results .fig-list { list-style: none; margin: 0; padding: 0; }
#figure-results .fig-card { position: relative; border: 1px solid #cbd5e1; border-radius: 8px; padding: 10px 12px;
  margin: 0 0 10px; overflow-wrap: break-word; word-break: normal; hyphens: manual; line-height: 1.45; }
#figure-results .fig-card:has(.fig-pick[aria-current]) { background: #eff6ff; border-color: #1e3a8a; }
#figure-results .fig-pick { all: unset; display: block; cursor: pointer; color: #1e3a8a; font-weight: 600;
  text-decoration: underline; text-underline-offset: 2px; overflow-wrap: break-word; word-break: normal; }
#figure-results .fig-values ul { list-style: none; margin: 6px 0; padding: 0; }
#figure-results .fig-values li { margin: 0; padding: 0; }
#figure-results .fig-v { white-space: nowrap; font-weight: 600; font-variant-numeric: tabular-nums; }
#figure-results .fig-n { white-space: nowrap; color: inherit; }
#figure-results .fig-where, #figure-results .fig-source { font-size: 0.92em; color: #374151; }
#figure-results .fig-tag { font-weight: 600; }
#figure-results .fig-values > .fig-tag { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
#figure-results .fig-head { display: none; }
.dark #figure-results .fig-pick { color: #bfdbfe; }
/* one selector a rule: Gradio's CSS scoping repeats `.dark` inside the second selector of a list */
.dark #figure-results .fig-where { color: #d1d5db; }
.dark #figure-results .fig-source { color: #d1d5db; }
.dark #figure-results .fig-card:has(.fig-pick[aria-current]) { background: #1e293b; border-color: #bfdbfe; }
@media (min-width: 760px) {
  /* one grid for all rows (the heading, the list and each card are subgrids), so the columns line up; a column
     is never narrower than its longest word */
  #figure-results .fig-results { display: grid; column-gap: 12px; max-height: 560px; overflow-y: auto;
    grid-template-columns: minmax(min-content, 34fr) minmax(min-content, 26fr) minmax(min-content, 22fr)
      minmax(min-content, 18fr); border: 1px solid #cbd5e1; border-radius: 8px; }
  #figure-results .fig-head, #figure-results .fig-list, #figure-results .fig-card { grid-column: 1 / -1; display: grid;
    grid-template-columns: subgrid; }
  #figure-results .fig-head { position: sticky; top: 0; z-index: 1; padding: 8px 12px; font-weight: 600;
    border-bottom: 2px solid #94a3b8; background: var(--background-fill-primary, #fff); }
  #figure-results .fig-card { border: 0; border-bottom: 1px solid #e5e7eb; border-radius: 0; margin: 0; }
  #figure-results .fig-values ul { margin: 0; }
  #figure-results .fig-tag { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
    white-space: nowrap; }
}
/* The chart (web/chart.py): one picture with no viewBox, so it is never scaled and its text is the size set
   here. Columns (640 × 260, 13 px text) from a 760 px wide window; below that one bar a line (270 px wide, its
   height set on the picture, 14 px text). The hidden drawing is not drawn at all. */
#figure-chart svg.chart { width: 640px; height: 260px; max-width: none; font-size: 13px; }
#figure-chart svg.chart .chart-narrow { display: none; }
@media (max-width: 759px) {
  #figure-chart svg.chart { width: 270px; height: var(--narrow-height, 180px); font-size: 14px; }
  #figure-chart svg.chart .chart-wide { display: none; }
  #figure-chart svg.chart .chart-narrow { display: inline; }
}
#figure-pick textarea { scroll-margin-top: 12px; }
/* figure finder: end */
/* phone first: one page that scrolls, no small scroll box for the chat */
@media (max-width: 640px) {
  #chat, #chat > div, #chat .bubble-wrap, #chat .message-wrap { height: auto !important; max-height: none !important;
    overflow: visible !important; }
  .tab-container button { padding-left: 6px !important; padding-right: 6px !important; font-size: 13px !important; }
  #reader .reader-table table { font-size: 14px; }
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
