"""The web chat's Library: only editors change the archive, by any route (gradio_client, the named
HTTP API, the queue the page itself uses); the URL box never reaches the server's own network or
files; uploads never choose a path and are cut off at the size limit while they arrive."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tests.conftest import SEED
from tests.site import serve_site

gradio_client = pytest.importorskip("gradio_client")
from ui.web.library import NOT_A_URL, EditRule, WebLibrary  # noqa: E402

SECRET = "The internal database password is hunter2-horse-battery."
PAGE = (f"<html><head><title>Internal notes</title></head><body><article><p>{SECRET}</p><p>Staff only: "
        "served on the loopback interface and never meant for chat users, whatever they type.</p>"
        "</article></body></html>")
STORY = ("<html><head><title>Harbour bridge reopens</title></head><body><article><p>The harbour bridge "
         "reopened on Monday after eight months of repairs, the city's transport office said.</p><p>Engineers "
         "replaced 140 steel cables and the deck surface, at a cost of 61 million euros.</p></article></body></html>")


def articles(client) -> int:
    stats = client.predict(api_name="/library_stats")[0]
    return int(stats.split("**")[1])


class Login:
    """Plain HTTP as a logged-in user: Gradio's session cookie is Secure, so it is sent by hand."""

    def __init__(self, base: str, user: str, password: str) -> None:
        self.base = base.rstrip("/")
        self.http = httpx.Client(timeout=60)
        reply = self.http.post(f"{self.base}/login", data={"username": user, "password": password})
        assert reply.json() == {"success": True}
        self.cookie = "; ".join(c.split(";")[0] for c in reply.headers.get_list("set-cookie"))

    def call(self, api_name: str, *data) -> tuple[str, object]:
        """POST /gradio_api/call/NAME, then read its result stream: ('complete' | 'error', data)."""
        headers = {"Cookie": self.cookie}
        event = self.http.post(f"{self.base}/gradio_api/call/{api_name}", json={"data": list(data)},
                               headers=headers).raise_for_status().json()["event_id"]
        kind = None
        with self.http.stream("GET", f"{self.base}/gradio_api/call/{api_name}/{event}", headers=headers) as s:
            for line in s.iter_lines():
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    return kind, json.loads(line[5:])
        raise AssertionError("no result")


@pytest.fixture
def internal_page():
    with serve_site() as site:
        url = site.add("/secret.html", PAGE)
        yield site, url


@pytest.fixture
def secured(web_settings):
    return web_settings.model_copy(update={"web_auth": SecretStr("ann:pw-ann,bob:pw-bob"), "web_editors": "ann"})


# --- the URL box ------------------------------------------------------------------------------

def test_the_loopback_probe_is_refused_in_the_web_chat_and_nothing_is_indexed(serve, web_settings, internal_page):
    site, url = internal_page
    client, _ = serve(web_settings)
    before = articles(client)
    summary, *_ = client.predict([], url, api_name="/add_to_library")
    assert "Added **0**" in summary and "skipped **1**" in summary
    assert "127.0.0.1 is a loopback address" in summary
    assert site.requests == [] and articles(client) == before
    job = client.submit("What is the internal database password?", None, None, [], 6, api_name="/ask")
    answer = json.dumps(job.result(timeout=60))
    assert "hunter2" not in answer


def test_the_web_never_honours_allow_private_only_fetch_allow(serve, web_settings, internal_page):
    site, url = internal_page
    client, _ = serve(web_settings.model_copy(update={"fetch_allow": "127.0.0.1/32"}))
    summary, *_ = client.predict([], url, api_name="/add_to_library")
    assert "Added **1**" in summary and site.paths() == ["/secret.html"]


def test_paths_and_other_schemes_in_the_url_box_are_never_read(serve, web_settings, tmp_path):
    private = tmp_path / "server-only.txt"
    private.write_text("Title: Server file\n\n" + SECRET + " It lives on the server's disk only.\n")
    client, _ = serve(web_settings)
    before = articles(client)
    entries = [str(private), f"file://{private}", "../../etc/passwd", "ftp://example.org/x.txt"]
    summary, *_ = client.predict([], "\n".join(entries), api_name="/add_to_library")
    assert "Added **0**" in summary and f"skipped **{len(entries)}**" in summary
    assert summary.count(NOT_A_URL) == len(entries)
    assert articles(client) == before


# --- editors ------------------------------------------------------------------------------------

def test_a_non_editor_cannot_add_or_remove_through_gradio_client(serve, secured):
    bob, _ = serve(secured, auth=("bob", "pw-bob"))
    before = articles(bob)
    with pytest.raises(Exception, match="Only editors can change the library"):
        bob.predict([gradio_client.handle_file(str(SEED))], "", api_name="/add_to_library")
    with pytest.raises(Exception, match="Only editors can change the library"):
        bob.predict("https://tass.com/politics/1027977", api_name="/remove_from_library")
    assert articles(bob) == before == 1
    assert not (secured.data_dir / "uploads").exists()


def test_a_non_editor_is_refused_over_plain_http_by_every_route(serve, secured):
    client, _ = serve(secured, auth=("ann", "pw-ann"))
    article_id = json.loads(_stats_json(secured))[0]
    bob = Login(client.src, "bob", "pw-bob")
    kind, data = bob.call("add_to_library", [], "https://example.org/story.html")
    assert kind == "error" and "Only editors" in json.dumps(data)
    kind, data = bob.call("remove_from_library", article_id)
    assert kind == "error" and "Only editors" in json.dumps(data)
    # The queue the page uses, by event index rather than by name, is refused just the same.
    remove = next(d for d in client.config["dependencies"] if d.get("api_name") == "remove_from_library")
    done = _run_queued(bob, remove["id"], [article_id])
    assert done["success"] is False and "Only editors" in json.dumps(done)
    assert articles(client) == 1


def test_an_editor_adds_and_removes(serve, secured):
    with serve_site() as site:
        url = site.add("/bridge.html", STORY)
        ann, _ = serve(secured.model_copy(update={"fetch_allow": "127.0.0.1"}), auth=("ann", "pw-ann"))
        summary, *_ = ann.predict([], url, api_name="/add_to_library")
        assert "Added **1**" in summary and articles(ann) == 2
        summary, *_ = ann.predict(url, api_name="/remove_from_library")
        assert summary.startswith("Removed **1**") and articles(ann) == 1
        summary, *_ = ann.predict("/etc/passwd", api_name="/remove_from_library")
        assert "Give an article id" in summary and articles(ann) == 1


def test_the_forms_are_shown_to_editors_only(serve, secured):
    client, _ = serve(secured, auth=("ann", "pw-ann"))
    load = next(d for d in client.config["dependencies"] if d["targets"] and d["targets"][0][1] == "load")
    shown = {}
    for user, password in (("ann", "pw-ann"), ("bob", "pw-bob")):
        done = _run_queued(Login(client.src, user, password), load["id"], [])
        editing, note = done["output"]["data"][2:4]
        shown[user] = (editing.get("visible"), note.get("visible"))
    assert shown == {"ann": (True, False), "bob": (False, True)}


def test_without_logins_an_exposed_chat_is_read_only(serve, web_settings):
    client, _ = serve(web_settings, host="0.0.0.0")  # built as if listening beyond this machine
    with pytest.raises(Exception, match="can't be changed from a chat served beyond this machine"):
        client.predict([], "https://example.org/story.html", api_name="/add_to_library")


def _run_queued(login: Login, fn_index: int, data: list) -> dict:
    """Join the queue for event fn_index as the page does (by index, no api_name); its last message."""
    body = {"data": data, "fn_index": fn_index, "session_hash": "probe12345", "trigger_id": None}
    headers = {"Cookie": login.cookie}
    login.http.post(f"{login.base}/gradio_api/queue/join", json=body, headers=headers).raise_for_status()
    with login.http.stream("GET", f"{login.base}/gradio_api/queue/data", params={"session_hash": "probe12345"},
                           headers=headers) as stream:
        for line in stream.iter_lines():
            msg = json.loads(line[5:]) if line.startswith("data:") else {}
            if msg.get("msg") == "process_completed":
                return msg
    raise AssertionError("the queued event never completed")


def _stats_json(settings) -> str:
    from ui.context import Library

    return json.dumps(sorted(Library(settings).store.articles()))


# --- uploads ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../escape.txt", "/etc/cron.d/evil.txt", ".hidden.txt", "...",
                                  "a\x00b.txt", "C:\\Windows\\win.txt", "con\nsole.txt"])
def test_upload_names_never_choose_a_path(library_for_uploads, tmp_path, name):
    web, root = library_for_uploads
    source = tmp_path / "incoming.txt"
    source.write_text("x")
    (kept,) = web.keep_uploads([str(_named(tmp_path, source, name))])
    kept = Path(kept)
    assert kept.parent.parent == root and kept.read_text() == "x"
    assert "/" not in kept.name and "\\" not in kept.name and not kept.name.startswith(".")


def test_two_uploads_of_one_name_never_overwrite_each_other(library_for_uploads, tmp_path):
    web, _ = library_for_uploads
    first, second = tmp_path / "a" / "story.txt", tmp_path / "b" / "story.txt"
    for path, text in ((first, "one"), (second, "two")):
        path.parent.mkdir()
        path.write_text(text)
    kept = web.keep_uploads([str(first), str(second)])
    assert [Path(k).name for k in kept] == ["story.txt", "story-2.txt"]
    assert [Path(k).read_text() for k in kept] == ["one", "two"]
    assert web.keep_uploads([str(first)])[0] != kept[0]  # a later upload gets a folder of its own


def test_an_upload_over_the_limit_is_refused_while_it_arrives(serve, web_settings):
    client, _ = serve(web_settings.model_copy(update={"max_file_mb": 0.05}))
    big = b"A story. " * 20_000  # 180 kB > 50 kB
    reply = httpx.post(client.src + "gradio_api/upload", files={"files": ("big.txt", big, "text/plain")}, timeout=30)
    assert reply.status_code == 413 and "maximum allowed size" in reply.text
    small = httpx.post(client.src + "gradio_api/upload", files={"files": ("ok.txt", b"A story.", "text/plain")},
                       timeout=30)
    assert small.status_code == 200


@pytest.fixture
def library_for_uploads(settings):
    from ui.context import Library

    web = WebLibrary(Library(settings), EditRule.from_settings(logins=False, editors="", loopback=True))
    return web, settings.data_dir / "uploads"


def _named(tmp_path: Path, source: Path, name: str) -> Path:
    """What Gradio hands the callback: a temp file whose name is the uploaded one (as far as a file
    system allows: no NUL, no '/'; the rest, backslashes and newlines included, stays)."""
    folder = tmp_path / "gradio-tmp"
    folder.mkdir(exist_ok=True)
    target = folder / name.replace("\x00", "").rsplit("/", 1)[-1]
    target.write_bytes(source.read_bytes())
    return target
