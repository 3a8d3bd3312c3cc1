"""The Gradio web chat: `app` (build and launch), `chat` (one question -> streamed answer),
`layout` (the blocks), `library` and `library_tab` (upload and stats), `render` (Answer -> HTML/Markdown).

Rule: web imports `qa`, `ingest`, `ui.render` and `ui.context`; it never imports `ui.slack`, and
only `ui.cli` imports web. Gradio is imported inside functions, so importing web stays cheap.
"""
