"""The edges: the `newsqa` CLI, the Gradio web chat and the Slack bot, over one neutral rendering.

Rule: `ui/render.py` and `ui/context.py` are shared by all three front ends and import only `qa`
(and `ingest` for the library). `ui.cli`, `ui.web` and `ui.slack` import `qa`, `ingest` and those two
shared modules; `ui.web` and `ui.slack` never import each other, and only `ui.cli` imports them.
"""
