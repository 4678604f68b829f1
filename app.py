#!/usr/bin/env python
"""askerqa web app: a chat for citizens and a figure finder for staff, over Engine only.

    python app.py [--host 127.0.0.1] [--port 7860]      (or ASKERQA_HOST / ASKERQA_PORT)
"""


import argparse
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry

from askerqa.config import settings  # noqa: E402
from askerqa.errors import AskerQAError  # noqa: E402

log = logging.getLogger("askerqa.app")

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
CONCURRENCY = 2  # one request per core: the encoder uses both when alone
# Gradio picks its interface language from the browser (navigator.language) and writes it into
# <html lang>, so an English browser got lang="en" and English buttons on a bokmål page. This script
# goes first in <head> (see NorwegianPage), before Gradio's own code reads the browser's language.
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


class NorwegianPage:
    """ASGI middleware that makes Gradio's page bokmål before the browser sees it.

    Gradio's template says `<html lang="en">`; this sets `nb` and puts LOCALE_SCRIPT first in <head>.
    It sits inside Gradio's compression middleware, so it edits the plain HTML; Content-Length is reset.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") == "HEAD":
            return await self.app(scope, receive, send)
        start: dict | None = None  # the held response start of an HTML page
        body: list[bytes] = []

        async def patched(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = localise_page(b"".join(body))
                headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
                await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
                message = {"type": "http.response.body", "body": page}
            await send(message)

        return await self.app(scope, receive, patched)


def localise_page(html: bytes) -> bytes:
    """Gradio's page with `<html lang="nb">` and LOCALE_SCRIPT at the top of <head>; other HTML unchanged."""
    html = html.replace(b'lang="en"', b'lang="nb"', 1)
    head = html.find(b"<head>")
    return html if head < 0 else html[: head + 6] + LOCALE_SCRIPT + html[head + 6:]


_CSV_DIR = tempfile.TemporaryDirectory(prefix="askerqa-csv-")  # removed when the app exits
_CSV_KEEP_S = 600  # Gradio copies a returned file into its own cache at once; ours need not live long


def _csv_file(text: str) -> str:
    """Write one search's CSV (with a BOM for spreadsheets) and prune the old ones, so files do not pile up."""
    folder = Path(_CSV_DIR.name)
    now = time.time()
    for old in folder.glob("*/askerqa-tall.csv"):
        if now - old.stat().st_mtime > _CSV_KEEP_S:
            old.unlink(missing_ok=True)
            old.parent.rmdir()
    sub = Path(tempfile.mkdtemp(dir=folder))  # one folder per search keeps the download name readable
    path = sub / "askerqa-tall.csv"
    path.write_text("\ufeff" + text, encoding="utf-8")
    return str(path)


def contact_line(passages) -> str:
    """The kommune's phone, e-mail and address, read from the report's contact block."""
    text = next((p.text for p in passages if "Telefon:" in p.text and "@" in p.text), "")
    phone = re.search(r"Telefon:\s*(?:\+\s?47\s*)?(\d{2} \d{2} \d{2} \d{2})", text)
    mail = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    street = re.search(r"Besøksadresse\s+(.+?\d+)\s+(\d{4} \w+)", text)
    bits = []
    if phone:
        bits.append(f"telefon {phone.group(1)}")
    if mail:
        bits.append(f"e-post {mail.group(0)}")
    if street:
        bits.append(f"besøksadresse {street.group(1)}, {street.group(2)}")
    return ", ".join(bits) if bits else "se asker.kommune.no"


def build_app(engine, store):
    import gradio as gr
    import pandas as pd

    from askerqa.figures import FigureFinder, series, table, to_csv
    from askerqa.render import escape, render_answer, render_error

    finder = FigureFinder(engine.passages)
    contact = contact_line(engine.passages)

    def respond(message: str, history: list, asked: list):
        """One chat turn. A failure inside one request becomes a chat message, never a crash."""
        history = list(history or [])
        asked = list(asked or [])
        message = message or ""
        history.append({"role": "user", "content": escape(message) or "\u00a0"})
        passage_id = None
        try:
            answer = engine.ask(message)
            reply = render_answer(answer)
            passage_id = answer.passage_id if answer.found else None
        except AskerQAError as err:
            reply = render_error(str(err))
        except Exception:  # noqa: BLE001 - one bad request must not take the app down
            log.exception("spørsmålet feilet")
            reply = "Beklager, noe gikk galt med dette spørsmålet. Prøv igjen, eller still det på en annen måte."
        history.append({"role": "assistant", "content": reply})
        asked.append({"index": len(history) - 1, "question": message, "passage_id": passage_id})
        return history, "", asked

    def vote(asked: list, data: gr.LikeData):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        entry = next((a for a in (asked or []) if a["index"] == index), None)
        if entry is not None and isinstance(data.liked, bool):
            store.add(entry["question"], entry["passage_id"], data.liked)
            gr.Info("Takk for tilbakemeldingen!")

    def find(query: str, section: str):
        rows = finder.search(query or "", None if section in (None, "", "Alle deler") else section)
        headers, body = table(rows)
        frame = pd.DataFrame(body, columns=headers)
        path = _csv_file(to_csv(rows))
        note = f"{len(rows)} treff." if rows else "Ingen treff. Prøv et annet ord, eller velg «Alle deler»."
        return frame, str(path), rows, note, "", None

    def pick(rows: list, evt: gr.SelectData):
        row_index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not rows or row_index is None or row_index >= len(rows):
            return "", None
        row = rows[row_index]
        points = series(row)
        chart = pd.DataFrame({"År": [y for y, _ in points], "Verdi": [v for _, v in points]}) if len(points) > 1 else None
        return row.as_text(), chart

    with gr.Blocks(title="Spør om Asker kommunes 4-årsrapport", analytics_enabled=False) as demo:
        gr.Markdown("# Spør om Asker kommunes 4-årsrapport 2020–2023")
        with gr.Tab("Spør om rapporten"):
            gr.Markdown(
                "Svarene er ordrette sitater fra **4-årsrapport 2020–2023** for Asker kommune, med kilde. "
                "Verktøyet kjenner bare denne rapporten. Det kan ikke svare på saker om deg eller saksbehandling: "
                f"kontakt kommunen ({escape(contact)}).",
                elem_id="intro",
            )
            chatbot = gr.Chatbot(label="Samtale", height=480, buttons=["copy"], feedback_options=("Like", "Dislike"),
                                 placeholder="Still et spørsmål om rapporten, for eksempel om økonomi, skole eller klima.")
            asked = gr.State([])
            with gr.Row():
                question = gr.Textbox(label="Spørsmål", placeholder="Skriv spørsmålet ditt og trykk Enter",
                                      scale=5, max_length=4000, autofocus=True)
                ask_btn = gr.Button("Spør", variant="primary", scale=1)
            gr.Markdown("**Eksempler** – velg ett for å spørre:")
            with gr.Row():
                example_buttons = [gr.Button(text, size="sm") for text in EXAMPLES]
            question.submit(respond, [question, chatbot, asked], [chatbot, question, asked], api_name="respond")
            ask_btn.click(respond, [question, chatbot, asked], [chatbot, question, asked], api_name=False)
            for button, text in zip(example_buttons, EXAMPLES, strict=True):
                button.click(lambda h, a, t=text: respond(t, h, a), [chatbot, asked], [chatbot, question, asked],
                             api_name=False)
            chatbot.like(vote, [asked], None, api_name=False)

        with gr.Tab("Tall og tabeller"):
            gr.Markdown("Søk i tabellrader og setninger med tall. Verdiene står slik de er trykt i rapporten.")
            with gr.Row():
                fig_query = gr.Textbox(label="Søk etter tall", placeholder="f.eks. sykefravær, boliger, gjeldsgrad",
                                       scale=3)
                fig_section = gr.Dropdown(["Alle deler", *finder.sections], value="Alle deler",
                                          label="Del av rapporten", scale=2)
                fig_btn = gr.Button("Søk", variant="primary", scale=1)
            fig_note = gr.Markdown("")
            fig_table = gr.Dataframe(label="Treff (velg en rad for å kopiere den eller se utviklingen)",
                                     interactive=False, wrap=True, buttons=["copy"], max_height=420,
                                     max_chars=60, elem_id="figure-table")
            fig_rows = gr.State([])
            with gr.Row():
                fig_csv = gr.DownloadButton("Last ned treffene som CSV", variant="secondary")
            fig_pick = gr.Textbox(label="Valgt rad med kilde (kan kopieres)", buttons=["copy"], interactive=False)
            fig_chart = gr.LinePlot(x="År", y="Verdi", label="Utvikling for valgt rad", height=240)
            outputs = [fig_table, fig_csv, fig_rows, fig_note, fig_pick, fig_chart]
            fig_query.submit(find, [fig_query, fig_section], outputs, api_name="find")
            fig_btn.click(find, [fig_query, fig_section], outputs, api_name=False)
            fig_section.change(find, [fig_query, fig_section], outputs, api_name=False)
            fig_table.select(pick, [fig_rows], [fig_pick, fig_chart], api_name=False)
            demo.load(find, [fig_query, fig_section], outputs, api_name=False)
    return demo


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    s = settings()
    parser = argparse.ArgumentParser(description="Start askerqa-appen.")
    parser.add_argument("--host", default=s.host, help="adresse å lytte på (ASKERQA_HOST, standard 127.0.0.1)")
    parser.add_argument("--port", type=int, default=s.port, help="port (ASKERQA_PORT, standard 7860)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    print("askerqa: laster modell og indeks …", file=sys.stderr, flush=True)
    try:
        from askerqa import Engine
        from askerqa.feedback import FeedbackStore

        engine = Engine.load()
        store = FeedbackStore(settings().feedback_db)
        demo = build_app(engine, store)
    except AskerQAError as err:
        print(f"askerqa: kan ikke starte: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - a clear message and a non-zero exit, not a traceback
        print(f"askerqa: kan ikke starte: {err}", file=sys.stderr)
        return 1
    print(f"askerqa: klar på http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    import gradio as gr
    from starlette.middleware import Middleware

    # System fonts only: the default theme would fetch fonts from Google, and this page calls nobody.
    theme = gr.themes.Default(
        primary_hue="blue", font=["system-ui", "Segoe UI", "Roboto", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"],
    ).set(button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
          button_primary_text_color="white")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=256).launch(
        server_name=args.host, server_port=args.port, share=False, head=HEAD, css=CSS, theme=theme,
        footer_links=[], show_error=False, quiet=True, app_kwargs={"middleware": [Middleware(NorwegianPage)]},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
