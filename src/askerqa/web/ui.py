"""The Gradio page: three tabs (chat, figure finder, reader) wired to the plain callbacks in chat.py,
finder.py and reader.py.

A source in a chat answer is a link `?les=<passage id>`. The page's script (assets.HEAD) catches the click,
puts the id in a hidden box and presses a hidden button, so the reader opens in this page with the chat kept;
a link opened on its own (new tab, no script) still lands in the reader through `demo.load`.
"""

import os
from typing import Any

from ..config import settings
from ..figures import FigureFinder
from ..render import READ_PARAM, escape
from . import chat, finder, reader
from .assets import BACK_TO_SOURCE, EXAMPLES, FOCUS_QUESTION, GRADIO_NB, SCROLL_TO_ANSWER, SCROLL_TO_HIT, SHOW_NEW

# Every event's default (the chat's, the finder's, the reader's). Concurrent questions share one encoder call
# (micro-batching), so many more than one per core: with 50 chat users 16 gave batches of 2.6-3.2 questions (8:
# 2.0-2.2); chat questions/s 41-48 against 41-43 for 8 in four alternations, within run-to-run noise (±10 %).
CONCURRENCY = 16
QUEUE_SIZE = 256
# Sessions whose state Gradio keeps (oldest dropped first; Gradio's default is 10,000). Each holds a copy of
# the page's configuration and its conversation: measured ~0.33 MB a session (a 5-minute chat soak, 600
# sessions, +200 MB), so 500 bound it to ~165 MB. A dropped session only loses the follow-up context.
SESSIONS = 500
CHAT, FIGURES, READER = "chat", "figures", "reader"
# Gradio's default ("auto") sends every waiting client its place in the queue each time any question
# finishes: with 40 waiting that is 40 messages per answer, about half of the chat's extra cost over the API under
# load (scripts/load_test.py). Once a second is enough for the «venter» indicator.
STATUS_EVERY_S = 1.0
# Gradio recomputes a pandas summary of its last 10,000 events after every event, for a monitoring page
# this app does not serve: measured 1.5 ms an event at first, 8.5 ms once 10,000 are recorded. Here it is
# recomputed once per 100,000 events, over the last 1,000.
GRADIO_ANALYTICS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "100000", "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}


def build_app(engine: Any, store: Any, rate: Any = None) -> Any:
    """The chat, figure-finder and reader page over `engine` (anything with .ask and .passages) and a feedback store;
    `rate` (an api.RateLimiter, shared with /api/ask) limits each client's chat questions.

    Long on purpose: Gradio declares a page as nested `with` blocks and wires events to components declared in
    the same context, so the layout reads top to bottom here; every callback it wires is a plain function in
    chat.py, finder.py or reader.py, unit-tested there.
    """
    for name, value in GRADIO_ANALYTICS.items():
        os.environ.setdefault(name, value)  # read when Gradio builds its queue, below
    import gradio as gr

    figure_finder = FigureFinder(engine.passages)
    report = reader.Report.of(engine.passages)
    by_id = {p.id: p for p in engine.passages}
    contact = finder.contact_line(engine.passages)

    def respond(message: str, history: list, asked: list, request: gr.Request):
        client = request.client.host if request is not None and request.client else "?"
        return chat.respond(engine, message, history, asked, passages=by_id, contact=contact, limiter=rate,
                            client=client)

    def example(text: str):
        def ask_example(history: list, asked: list, request: gr.Request):
            return respond(text, history, asked, request)
        return ask_example

    def vote(asked: list, data: gr.LikeData):
        shown, asked = chat.cast_vote(store, asked, data.index, data.liked)
        if shown == chat.THANKS:
            gr.Info(shown)
        elif shown:
            gr.Warning(shown)
        return asked

    def find(query: str, section: str):
        return finder.find(figure_finder, query, section)

    def pick(rows: list, evt: gr.SelectData):
        return finder.pick(rows, evt.index, evt.value)

    def open_source(target: str):
        # the page's script writes "<passage id>\n<the question and the answer's figures>" (assets.HEAD)
        passage_id, _, asked = (target or "").strip().partition("\n")
        passage_id, asked = passage_id.strip()[:200], asked[:reader.MAX_ASKED_CHARS]
        return (gr.Tabs(selected=READER), reader.render(report, passage_id, asked=asked), passage_id, passage_id,
                asked, "")

    def page(source: str, center: str, asked: str, step: int):
        before = center or source
        moved = report.neighbour(before, step) or center
        fresh = report.arrived(before, moved, step)
        return reader.render(report, source, moved, asked=asked, fresh=fresh), moved

    def on_load(request: gr.Request):
        wanted = (request.query_params.get(READ_PARAM, "") if request else "")[:200]
        if wanted:
            return open_source(wanted)[:5]
        return gr.Tabs(), reader.render(report, None), "", "", ""

    with gr.Blocks(title="Spør om Asker kommunes 4-årsrapport", analytics_enabled=False) as demo:
        gr.Markdown("# Spør om Asker kommunes 4-årsrapport 2020–2023")
        reader_source = gr.State("")  # the passage the chosen source points at (highlighted)
        reader_center = gr.State("")  # the passage the reader is centred on after paging
        reader_asked = gr.State("")  # the question the source was opened from (picks the table column to show)
        with gr.Tabs(selected=CHAT) as tabs:
            with gr.Tab("Spør", id=CHAT):
                gr.Markdown(
                    "Svarene er ordrette sitater fra **4-årsrapport 2020–2023** for Asker kommune, med kilde. "
                    "Du kan stille oppfølgingsspørsmål («Og i 2020?»). Verktøyet kjenner bare denne rapporten. "
                    "Det kan ikke svare på saker om deg eller saksbehandling: "
                    f"kontakt kommunen ({escape(contact)}).",
                    elem_id="intro",
                )
                chatbot = gr.Chatbot(label="Samtale", show_label=False, height=520, autoscroll=False, elem_id="chat",
                                     buttons=["copy"], feedback_options=("Like", "Dislike"),
                                     placeholder="Still et spørsmål om rapporten, for eksempel om økonomi, skole eller klima.")
                asked = gr.State([])
                with gr.Row(elem_id="ask-row"):
                    question = gr.Textbox(label="Spørsmål", placeholder="Skriv spørsmålet ditt og trykk Enter",
                                          scale=5, max_length=settings().max_question_chars, elem_id="question")
                    ask_btn = gr.Button("Spør", variant="primary", scale=1, min_width=80)
                    new_btn = gr.Button("Ny samtale", variant="secondary", scale=1, min_width=80, elem_id="new-chat")
                gr.Markdown("**Eksempler** – velg ett for å spørre:")
                with gr.Row():
                    example_buttons = [gr.Button(text, size="sm") for text in EXAMPLES]
                # api_name=False (a private endpoint): Gradio 6 still honours it but types the argument `str | None`
                chat_io = ([question, chatbot, asked], [chatbot, question, asked])
                question.submit(respond, *chat_io, api_name="respond").then(None, js=SCROLL_TO_ANSWER)
                ask_btn.click(respond, *chat_io, api_name=False).then(None, js=SCROLL_TO_ANSWER)  # type: ignore[arg-type]
                new_btn.click(chat.new_conversation, None, [chatbot, question, asked], api_name="new_conversation")
                # Gradio's trash icon on the chat empties only the screen by itself: it clears the follow-up context too
                chatbot.clear(chat.new_conversation, None, [chatbot, question, asked], api_name=False)  # type: ignore[arg-type]
                for button, text in zip(example_buttons, EXAMPLES, strict=True):
                    button.click(example(text), [chatbot, asked], [chatbot, question, asked],
                                 api_name=False).then(None, js=SCROLL_TO_ANSWER)  # type: ignore[arg-type]
                # one at a time, so a quick 👍 then 👎 reads the first vote's row id from `asked` (one row per answer)
                chatbot.like(vote, [asked], [asked], api_name=False, concurrency_limit=1,  # type: ignore[arg-type]
                             concurrency_id="vote")
                # the page's script writes a source's passage id here and presses the button (see module doc)
                target = gr.Textbox(label="Kilde som skal åpnes", visible="hidden", elem_id="reader-target")
                open_btn = gr.Button("Åpne kilden", visible="hidden", elem_id="reader-open")

            with gr.Tab("Tall og tabeller", id=FIGURES):
                gr.Markdown("Søk i tabellrader og setninger med tall. Verdiene står slik de er trykt i rapporten.")
                with gr.Row():
                    fig_query = gr.Textbox(label="Søk etter tall", placeholder="f.eks. sykefravær, boliger, gjeldsgrad",
                                           scale=3, max_length=finder.MAX_QUERY_CHARS)
                    fig_section = gr.Dropdown([finder.ALL, *figure_finder.sections], value=finder.ALL,
                                              label="Del av rapporten", scale=2, filterable=False)
                    fig_btn = gr.Button("Søk", variant="primary", scale=1)
                with gr.Row(equal_height=True):
                    fig_note = gr.Markdown("", elem_id="figure-note")
                    fig_csv = gr.DownloadButton("Last ned treffene som CSV", variant="secondary", scale=0,
                                                min_width=300)
                # The hits as HTML (finder.results_html): cards on a phone, four columns on a wide screen, a button
                # per row to choose it. The Dataframe is not shown (squeezed into a phone it broke words mid-word);
                # it stays for the API's `/find`, whose first output it is.
                fig_results = gr.HTML("", elem_id="figure-results", js_on_load=finder.CHOOSE_JS, padding=False)
                fig_table = gr.Dataframe(headers=["Hva", "Verdier (som i rapporten)", "Del av rapporten", "Kilde"],
                                         interactive=False, visible=False)
                fig_rows = gr.State([])
                # read-only (see finder.SHOW_PICK), not disabled: a keyboard and a screen reader reach its text
                fig_pick = gr.Textbox(label=finder.PICK_LABEL, buttons=["copy"], interactive=True,
                                      lines=2, max_lines=8, elem_id=finder.PICK_ID)
                fig_chart = gr.HTML(finder.pick([], None)[1], elem_id="figure-chart")
                outputs = [fig_table, fig_csv, fig_rows, fig_note, fig_pick, fig_chart]
                show = (finder.results_html, [fig_rows], [fig_results])
                fig_query.submit(find, [fig_query, fig_section], outputs, api_name="find").then(
                    *show, api_name=False)
                fig_btn.click(find, [fig_query, fig_section], outputs, api_name=False).then(  # type: ignore[arg-type]
                    *show, api_name=False)
                fig_section.change(find, [fig_query, fig_section], outputs, api_name=False).then(  # type: ignore[arg-type]
                    *show, api_name=False)
                fig_results.select(pick, [fig_rows], [fig_pick, fig_chart], api_name=False).then(  # type: ignore[arg-type]
                    None, js=finder.SHOW_PICK)

            with gr.Tab("Les i rapporten", id=READER):
                reader_view = gr.HTML(reader.render(report, None), elem_id="reader")
                with gr.Row():
                    prev_btn = gr.Button("Forrige avsnitt", size="sm")
                    next_btn = gr.Button("Neste avsnitt", size="sm")
                    back_btn = gr.Button("Tilbake til samtalen", size="sm", variant="primary")

        open_btn.click(open_source, [target], [tabs, reader_view, reader_source, reader_center, reader_asked, target],
                       api_name="open_source").then(None, js=SCROLL_TO_HIT)
        paging = [reader_source, reader_center, reader_asked]
        prev_btn.click(lambda s, c, a: page(s, c, a, -1), paging, [reader_view, reader_center],
                       api_name=False).then(None, js=SHOW_NEW)  # type: ignore[arg-type]
        next_btn.click(lambda s, c, a: page(s, c, a, 1), paging, [reader_view, reader_center],
                       api_name=False).then(None, js=SHOW_NEW)  # type: ignore[arg-type]
        back_btn.click(lambda: gr.Tabs(selected=CHAT), None, [tabs], api_name=False).then(  # type: ignore[arg-type]
            None, js=BACK_TO_SOURCE)
        # focus in the question box at once (not on <body>); a reader link in the address moves it to the passage
        demo.load(None, js=FOCUS_QUESTION)
        demo.load(on_load, None, [tabs, reader_view, reader_source, reader_center, reader_asked],
                  api_name=False).then(None, js=SCROLL_TO_HIT)
        demo.load(find, [fig_query, fig_section], outputs, api_name=False).then(*show, api_name=False)
    demo.state_session_capacity = SESSIONS  # read when the app is mounted (gradio.state_holder.StateHolder)
    # bokmål for Gradio's own labels its nb translation lacks ("Copy message"); mount_gradio_app keeps it
    demo.i18n_instance = gr.I18n(nb=GRADIO_NB)
    return demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE, status_update_rate=STATUS_EVERY_S)
