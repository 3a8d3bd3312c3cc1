"""The Library tab: what is indexed (articles, passages, outlets, dates) and a form to add files or URLs,
with a progress indicator and the same run summary as `newsqa ingest` (skips with their reasons)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import gradio as gr

from qa.errors import NewsqaError
from ui.web.library import WebLibrary
from ui.web.render import report_markdown, stats_markdown

log = logging.getLogger(__name__)

ADD_HELP = ("Text, Markdown, HTML, JSON or JSONL exports, RSS/Atom feeds; or URLs of pages and feeds. "
            "Adding the same article again changes nothing; an edited one is replaced.")


@dataclass
class LibraryTab:
    """The tab's components and callbacks (build inside a `gr.Tab`, then `wire`)."""

    library: WebLibrary
    stats: gr.Markdown
    refresh_button: gr.Button
    files: gr.File
    urls: gr.Textbox
    add_button: gr.Button
    summary: gr.Markdown

    @classmethod
    def build(cls, library: WebLibrary) -> "LibraryTab":
        gr.Markdown("### In the library")
        stats = gr.Markdown("…", elem_id="nq-stats")
        refresh = gr.Button("Refresh", size="sm", variant="secondary")
        gr.Markdown(f"### Add articles\n{ADD_HELP}")
        with gr.Row(equal_height=True):
            files = gr.File(label="Files", file_count="multiple", elem_id="nq-files")
            urls = gr.Textbox(label="URLs", lines=5, elem_id="nq-urls",
                              placeholder="https://example.org/story.html\nhttps://example.org/feed.xml")
        add = gr.Button("Add to library", variant="primary", elem_id="nq-add")
        summary = gr.Markdown(elem_id="nq-summary")
        return cls(library, stats, refresh, files, urls, add, summary)

    def wire(self, outlets: gr.Dropdown) -> None:
        """Connect the buttons; `outlets` (the chat's filter) gets the outlets after every change."""
        self.add_button.click(self.add, [self.files, self.urls],
                              [self.summary, self.stats, outlets, self.files, self.urls],
                              api_name="add_to_library", concurrency_limit=1,
                              show_progress_on=[self.summary])
        self.refresh_button.click(self.refresh, None, [self.stats, outlets], api_name="library_stats")

    def refresh(self):
        """(stats Markdown, outlet choices) for the page; a store error is shown, not raised."""
        try:
            stats = self.library.stats()
        except NewsqaError as exc:
            return f"⚠️ {exc}", gr.skip()
        return stats_markdown(stats), gr.Dropdown(choices=list(stats.get("outlets") or ()))

    def add(self, files, urls, progress=gr.Progress()):
        """Ingest the uploads and URLs; returns the summary, fresh stats and outlets, cleared inputs."""
        def update(articles: int, chunks: int) -> None:
            progress((articles, None), desc=f"{chunks} passages written", unit="articles")

        try:
            report = self.library.add(files or [], urls or "", update)
            summary = report_markdown(report, self.library.display_name)
        except NewsqaError as exc:
            return f"⚠️ {exc}", *self.refresh(), gr.skip(), gr.skip()
        except Exception as exc:  # never take the app down: say what failed
            log.exception("adding to the library failed")
            return f"⚠️ Adding failed ({type(exc).__name__}: {exc}).", *self.refresh(), gr.skip(), gr.skip()
        return summary, *self.refresh(), None, ""
