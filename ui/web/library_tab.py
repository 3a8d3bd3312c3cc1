"""The Library tab: what is indexed (articles, passages, outlets, dates), and for editors a form to add
files or URLs (with a progress indicator and the same run summary as `newsqa ingest`) and to remove an
article. The form is shown only to editors, and the callbacks refuse everyone else, whatever route
they are called by (the page, gradio_client, plain HTTP)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import gradio as gr

from qa.errors import NewsqaError
from ui.web.library import NotAnEditor, WebLibrary
from ui.web.render import report_markdown, stats_markdown

log = logging.getLogger(__name__)

ADD_HELP = ("Text, Markdown, HTML, JSON or JSONL exports, RSS/Atom feeds; or URLs of pages and feeds. "
            "Adding the same article again changes nothing; an edited one is replaced.")
READ_ONLY = "You can ask questions of everything listed here; only editors add or remove articles."


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request else None


@dataclass
class LibraryTab:
    """The tab's components and callbacks (build inside a `gr.Tab`, then `wire`)."""

    library: WebLibrary
    stats: gr.Markdown
    refresh_button: gr.Button
    editing: gr.Column  # the add and remove forms: visible to editors only
    read_only: gr.Markdown
    files: gr.File
    urls: gr.Textbox
    add_button: gr.Button
    remove_ref: gr.Textbox
    remove_button: gr.Button
    summary: gr.Markdown

    @classmethod
    def build(cls, library: WebLibrary) -> "LibraryTab":
        gr.Markdown("### In the library")
        stats = gr.Markdown("…", elem_id="nq-stats")
        refresh = gr.Button("Refresh", size="sm", variant="secondary")
        read_only = gr.Markdown(READ_ONLY, elem_id="nq-read-only", visible=False)
        with gr.Column(visible=False, elem_id="nq-editing") as editing:
            gr.Markdown(f"### Add articles\n{ADD_HELP}")
            with gr.Row(equal_height=True):
                files = gr.File(label="Files", file_count="multiple", elem_id="nq-files")
                urls = gr.Textbox(label="URLs", lines=5, elem_id="nq-urls",
                                  placeholder="https://example.org/story.html\nhttps://example.org/feed.xml")
            add = gr.Button("Add to library", variant="primary", elem_id="nq-add")
            gr.Markdown("### Remove an article")
            with gr.Row(equal_height=True):
                remove_ref = gr.Textbox(show_label=False, scale=5, elem_id="nq-remove-ref",
                                        placeholder="Article id or URL")
                remove = gr.Button("Remove", variant="stop", scale=1, min_width=100, elem_id="nq-remove")
        summary = gr.Markdown(elem_id="nq-summary")
        return cls(library, stats, refresh, editing, read_only, files, urls, add, remove_ref, remove, summary)

    def wire(self, outlets: gr.Dropdown) -> None:
        """Connect the buttons; `outlets` (the chat's filter) gets the outlets after every change."""
        self.add_button.click(self.add, [self.files, self.urls],
                              [self.summary, self.stats, outlets, self.files, self.urls],
                              api_name="add_to_library", concurrency_limit=1,
                              show_progress_on=[self.summary])
        self.remove_button.click(self.remove, [self.remove_ref], [self.summary, self.stats, outlets, self.remove_ref],
                                 api_name="remove_from_library", concurrency_limit=1)
        self.refresh_button.click(self.refresh, None, [self.stats, outlets], api_name="library_stats")

    def page_load(self, request: gr.Request):
        """(stats, outlets, the forms' visibility, the read-only note's) for the user who opened the page."""
        editor = self.library.rule.may_edit(_user(request))
        return *self.refresh(), gr.Column(visible=editor), gr.Markdown(visible=not editor)

    def refresh(self):
        """(stats Markdown, outlet choices) for the page; a store error is shown, not raised."""
        try:
            stats = self.library.stats()
        except NewsqaError as exc:
            return f"⚠️ {exc}", gr.skip()
        return stats_markdown(stats), gr.Dropdown(choices=list(stats.get("outlets") or ()))

    def add(self, files, urls, request: gr.Request, progress=gr.Progress()):
        """Ingest the uploads and URLs; returns the summary, fresh stats and outlets, cleared inputs.
        A user who may not edit gets an error, whichever route called."""
        def update(articles: int, chunks: int) -> None:
            progress((articles, None), desc=f"{chunks} passages written", unit="articles")

        try:
            report = self.library.add(files or [], urls or "", update, user=_user(request))
            summary = report_markdown(report, self.library.display_name)
        except NotAnEditor as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        except NewsqaError as exc:
            return f"⚠️ {exc}", *self.refresh(), gr.skip(), gr.skip()
        except Exception as exc:  # never take the app down: say what failed
            log.exception("adding to the library failed")
            return f"⚠️ Adding failed ({type(exc).__name__}: {exc}).", *self.refresh(), gr.skip(), gr.skip()
        return summary, *self.refresh(), None, ""

    def remove(self, ref, request: gr.Request):
        """Remove the articles with this id or URL; the summary says how many went."""
        try:
            removed = self.library.remove(ref, user=_user(request))
        except NotAnEditor as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        except NewsqaError as exc:
            return f"⚠️ {exc}", *self.refresh(), gr.skip()
        return f"Removed **{len(removed)}** article(s) for `{ref.strip().replace('`', '')}`.", *self.refresh(), ""
