"""The Gradio layout of the web chat and its event wiring; callbacks parse input, call WebChat or
WebLibrary, and render. Import through `ui.web.app.build_app` (it switches analytics off first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import gradio as gr

from ui.web.chat import ChatSession, WebChat
from ui.web.library import WebLibrary
from ui.web.library_tab import LibraryTab
from ui.web.render import sources_panel

if TYPE_CHECKING:
    from qa.config import Settings

EXAMPLES = [
    "What did Russia and Cuba say about the INF Treaty?",
    "How large is the credit Russia may provide to Cuba?",
    "What is the position of Russia and Cuba on unilateral sanctions?",
    "When will Cuba's defense minister visit Russia?",
]
HEADER = ("# newsqa\nAsk questions of your news archive. Every answer cites the passages it rests on: "
          "click a **[n]** to see the source, and sentences the checker could not verify are marked ⚠.")
FEEDBACK_HINT = "Rate an answer with the thumbs under it; you can then add a comment here."


def theme():
    """A calm theme in the system's own UI font: nothing to download, native on every platform."""
    font = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Liberation Sans", "sans-serif"]
    return gr.themes.Soft(primary_hue="indigo", neutral_hue="slate", font=font).set(
        button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
        button_primary_text_color="white",
    )


@dataclass
class ChatTab:
    """The Chat tab's components."""

    session: gr.State
    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    sources: gr.HTML
    since: gr.DateTime
    until: gr.DateTime
    outlets: gr.Dropdown
    k: gr.Slider
    comment: gr.Textbox
    send_comment: gr.Button
    status: gr.Markdown
    new: gr.Button


def _filters(settings: Settings) -> tuple:
    with gr.Accordion("Filters and advanced", open=False):
        with gr.Row():
            since = gr.DateTime(label="Published from", include_time=False, type="string")
            until = gr.DateTime(label="Published until", include_time=False, type="string")
        outlets = gr.Dropdown(label="Outlets", choices=[], multiselect=True, value=[],
                              allow_custom_value=True, info="Empty means all outlets.")
        k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages to retrieve (k)")
    return since, until, outlets, k


def _chat_tab(settings: Settings) -> ChatTab:
    session = gr.State(lambda: ChatSession())  # a fresh one (and id) per browser session
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Chat", height=480, buttons=["copy"], elem_id="nq-chat",
                                 placeholder="Ask a question, or pick an example below.")
            with gr.Row():
                question = gr.Textbox(show_label=False, placeholder="Ask about the news…", scale=5,
                                      elem_id="nq-question", max_lines=4, submit_btn=False)
                ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="nq-ask")
            gr.Examples(EXAMPLES, inputs=question, label="Examples")
            since, until, outlets, k = _filters(settings)
            with gr.Row():
                comment = gr.Textbox(show_label=False, placeholder="Comment on your last rating (optional)",
                                     scale=5, max_lines=3, elem_id="nq-comment")
                send_comment = gr.Button("Send", scale=1, min_width=100)
            status = gr.Markdown(FEEDBACK_HINT, elem_id="nq-status")
            new = gr.Button("New conversation", size="sm", variant="secondary")
        with gr.Column(scale=2, elem_id="nq-sources-col"):
            sources = gr.HTML(sources_panel(None, 0), elem_id="nq-sources")
    return ChatTab(session, chatbot, question, ask, sources, since, until, outlets, k, comment,
                   send_comment, status, new)


def _wire_chat(chat: WebChat, ui: ChatTab) -> None:
    def respond(question, session, since, until, outlets, k):
        if not (question or "").strip():
            yield session.messages(), gr.skip(), session, question
            return
        first = True
        for turn in chat.ask(session, question, since=since, until=until, outlets=outlets, k=int(k)):
            # Cards change twice: emptied when the question is asked, filled when the answer is final.
            panel = sources_panel(turn.answer, turn.number) if first or turn.answer else gr.skip()
            yield session.messages(), panel, session, ""
            first = False

    def rate(session, request: gr.Request, like: gr.LikeData):
        liked = {True: True, False: False, "Like": True, "Dislike": False}.get(like.liked)  # "" = un-clicked
        return chat.rate(session, _turn(like.index), liked, user=_user(request)), session

    def comment(session, text):
        return chat.comment(session, text), ""

    def show_sources(session, selected: gr.SelectData):
        turn = _turn(selected.index)
        answer = session.turns[turn].answer if turn < len(session.turns) else None
        return sources_panel(answer, turn) if answer else gr.skip()

    def restart():
        return ChatSession(), [], sources_panel(None, 0), FEEDBACK_HINT

    inputs = [ui.question, ui.session, ui.since, ui.until, ui.outlets, ui.k]
    outputs = [ui.chatbot, ui.sources, ui.session, ui.question]
    ui.question.submit(respond, inputs, outputs, api_name="ask")
    ui.ask.click(respond, inputs, outputs, api_visibility="private")
    ui.chatbot.like(rate, [ui.session], [ui.status, ui.session], api_visibility="private")
    ui.send_comment.click(comment, [ui.session, ui.comment], [ui.status, ui.comment], api_name="comment")
    ui.chatbot.select(show_sources, [ui.session], [ui.sources], api_visibility="private")
    for trigger in (ui.new.click, ui.chatbot.clear):
        trigger(restart, None, [ui.session, ui.chatbot, ui.sources, ui.status], api_visibility="private")


def _turn(message_index) -> int:
    """Chat message index -> conversation turn (messages come in user/assistant pairs)."""
    index = message_index[0] if isinstance(message_index, (list, tuple)) else message_index
    return int(index) // 2


def _user(request: gr.Request | None) -> str:
    return (getattr(request, "username", None) or "") if request else ""


def build_blocks(chat: WebChat, library: WebLibrary, settings: Settings) -> gr.Blocks:
    """The whole app: header, Chat tab, Library tab; outlets and stats load with each page."""
    with gr.Blocks(title="newsqa: ask your news archive", analytics_enabled=False) as app:
        gr.Markdown(HEADER, elem_id="nq-header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                ui = _chat_tab(settings)
            with gr.Tab("Library", id="library"):
                tab = LibraryTab.build(library)
        _wire_chat(chat, ui)
        tab.wire(ui.outlets)
        app.load(tab.page_load, None, [tab.stats, ui.outlets, tab.editing, tab.read_only],
                 api_visibility="private")
    return app
