"""The web chat: `build_app(settings, answerer, library)` builds the Gradio app, `launch(...)` serves it.

        app = build_app(settings, answerer, library)
        launch(app, settings, prevent_thread_lock=True, server_port=0)

Gradio is imported only by the ui/web*.py modules, after `_quiet_gradio` has switched analytics off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import Settings
from qa.errors import ConfigError

if TYPE_CHECKING:
    from qa.answering.answer import Answerer
    from ui.context import Library

CSS_PATH = Path(__file__).with_name("web.css")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def parse_auth(value: str) -> list[tuple[str, str]]:
    """'ann:pw1, bob:pw:2' -> [('ann', 'pw1'), ('bob', 'pw:2')] (a password may contain ':', not ',').

    >>> parse_auth("ann:pw1, bob:pw:2")
    [('ann', 'pw1'), ('bob', 'pw:2')]
    """
    pairs = []
    for item in (part.strip() for part in value.split(",")):
        user, sep, password = item.partition(":")
        if not item:
            continue
        if not sep or not user.strip() or not password:
            raise ConfigError(f"NEWSQA_WEB_AUTH entry {user.strip() or item!r} is not user:password "
                              "(several are separated by commas: ann:pw1,bob:pw2).")
        pairs.append((user.strip(), password))
    return pairs


def _quiet_gradio() -> None:
    """No analytics or telemetry calls from this process (set before gradio is imported)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def build_app(settings: Settings, answerer: Answerer, library: Library, host: str | None = None):
    """The Gradio Blocks app: a Chat tab (streamed, cited answers) and a Library tab (stats; add and
    remove for editors).

    answerer: `qa.answering.answer.Answerer`; library: `ui.context.Library` (store, indexer) for the same settings;
    host: the address it will listen on (default NEWSQA_WEB_HOST): without logins, only a loopback
    chat may change the library.
    """
    _quiet_gradio()
    from qa.feedback import FeedbackStore, feedback_path
    from ui.web.chat import WebChat
    from ui.web.layout import build_blocks
    from ui.web.library import EditRule, WebLibrary

    rule = EditRule.from_settings(logins=bool(settings.web_auth), editors=settings.web_editors,
                                  loopback=(host or settings.web_host) in LOOPBACK)
    chat = WebChat(answerer, FeedbackStore(feedback_path(settings.data_dir)), settings)
    return build_blocks(chat, WebLibrary(library, rule), settings)


def launch(app, settings: Settings, host: str | None = None, port: int | None = None, **kwargs):
    """Serve app (queue limited to settings.web_concurrency answers at once; an upload over
    NEWSQA_MAX_FILE_MB is refused while it is received); returns Gradio's (FastAPI app, local URL,
    share URL). Extra kwargs go to `Blocks.launch` (e.g. prevent_thread_lock)."""
    _quiet_gradio()
    from ui.web.layout import theme

    auth = parse_auth(settings.web_auth.get_secret_value()) if settings.web_auth else None
    app.queue(default_concurrency_limit=max(1, settings.web_concurrency))
    return app.launch(
        server_name=host or settings.web_host, server_port=settings.web_port if port is None else port,
        auth=auth or None, auth_message="Sign in to ask the news archive." if auth else None,
        share=False, ssr_mode=False, show_error=False, footer_links=[], theme=theme(),
        css=CSS_PATH.read_text(encoding="utf-8"), max_file_size=int(settings.max_file_mb * 2**20), **kwargs,
    )
