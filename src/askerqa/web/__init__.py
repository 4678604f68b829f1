"""The web front: a bokmål chat and figure finder (Gradio) and a JSON API, on one server.

    askerqa serve [--host 127.0.0.1] [--port 7860]     (or `python app.py`)

Modules: assets (page texts, JS, CSS), chat and finder (callbacks as plain functions), ui (the Gradio
page), api (REST routes), middleware (body caps, closed routes, bokmål page), logs (one line per
question, off the request path), server (puts it together and runs it).
"""
