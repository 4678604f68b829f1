"""The Gradio page: two tabs wired to the plain callbacks in chat.py and finder.py."""

from typing import Any

from ..config import settings
from ..figures import FigureFinder
from ..render import escape
from . import chat, finder
from .assets import EXAMPLES

CONCURRENCY = 2  # one request per core: the encoder uses both when alone
QUEUE_SIZE = 256


def build_app(engine: Any, store: Any) -> Any:
    """The chat and figure-finder page over `engine` (anything with .ask and .passages) and a feedback store."""
    import gradio as gr

    figure_finder = FigureFinder(engine.passages)
    contact = finder.contact_line(engine.passages)

    def respond(message: str, history: list, asked: list):
        return chat.respond(engine, message, history, asked)

    def vote(asked: list, data: gr.LikeData):
        shown = chat.vote(store, asked, data.index, data.liked)
        if shown == chat.THANKS:
            gr.Info(shown)
        elif shown:
            gr.Warning(shown)

    def find(query: str, section: str):
        return finder.find(figure_finder, query, section)

    def pick(rows: list, evt: gr.SelectData):
        return finder.pick(rows, evt.index)

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
                                      scale=5, max_length=settings().max_question_chars, autofocus=True)
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
                                       scale=3, max_length=finder.MAX_QUERY_CHARS)
                fig_section = gr.Dropdown([finder.ALL, *figure_finder.sections], value=finder.ALL,
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
    return demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
