"""A real browser against `newsqa web`: headless Debian Chromium driven by Playwright.

Loads the page, asks the INF question, finds an answer with source cards, follows a citation link,
rates the answer, and checks the page made no request off this machine. The screenshot is kept in
tests/artifacts/web-chat.png; run with UPDATE_SCREENSHOT=1 to refresh docs/screenshot.png (the README's).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from qa.feedback import FeedbackStore, feedback_path
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
INF = "What did Russia and Cuba say about the INF Treaty?"
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"`newsqa web` exited with {proc.returncode}:\n{proc.stdout.read()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"`newsqa web` did not answer on {url} within {seconds} s")


def serve(corpus, tmp_path_factory):
    """`newsqa web` on a free port, serving a copy of corpus's data dir; yields (url, data dir)."""
    home = tmp_path_factory.mktemp("web-browser")
    data = home / "data"
    shutil.copytree(corpus.data_dir, data)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSQA_", "OPENAI_", "SLACK_"))}
    env.update(NEWSQA_DATA_DIR=str(data), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "web", "--port", str(port)], cwd=home, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc)
        yield url, data
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stdout.close()


@pytest.fixture(scope="module")
def server(sample_settings, tmp_path_factory):
    """The web chat over the sample article."""
    yield from serve(sample_settings, tmp_path_factory)


@pytest.fixture(scope="module")
def archive_server(archive_settings, tmp_path_factory):
    """The web chat over the multi-outlet sample archive."""
    yield from serve(archive_settings, tmp_path_factory)


@pytest.fixture
def page():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1320, "height": 900})
        page.outside = []  # requests to anything but this machine (aborted and recorded)

        def guard(route):
            if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
                return route.continue_()
            page.outside.append(route.request.url)
            return route.abort()

        page.route("**/*", guard)
        yield page
        browser.close()


def test_ask_the_inf_question_and_check_the_sources(server, page):
    url, data = server
    page.goto(url)
    page.locator("#nq-question textarea").fill(INF)
    page.locator("#nq-ask").click()
    page.wait_for_selector("#nq-sources .nq-card", timeout=60_000)
    answer = page.locator("#nq-chat [data-testid='bot']").last
    assert "deep regret" in answer.inner_text()
    assert page.locator("#nq-sources .nq-card").count() >= 1
    assert page.locator("#nq-sources .nq-card mark").count() >= 1

    answer.locator("a[href='#nq-t0-s1']").first.click()  # a citation marker jumps to its card
    page.wait_for_function("location.hash === '#nq-t0-s1'")
    assert page.evaluate("document.querySelector('.nq-card:target').id") == "nq-t0-s1"

    page.locator("#nq-chat button[aria-label='Like']").click()
    page.wait_for_function("document.querySelector('#nq-status').innerText.includes('rated helpful')")
    (row,) = FeedbackStore(feedback_path(data)).rows()
    assert (row["question"], row["rating"]) == (INF, 1)

    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    save_screenshot(page)
    assert page.outside == []


def test_library_tab_shows_what_is_indexed(server, page):
    url, _ = server
    page.goto(url)
    page.get_by_role("tab", name="Library").click()
    page.wait_for_function("document.querySelector('#nq-stats').innerText.includes('articles')")
    assert "TASS" in page.locator("#nq-stats").inner_text()
    assert page.locator("#nq-add").is_visible()


def ask(page, question: str) -> None:
    page.locator("#nq-question textarea").fill(question)
    page.locator("#nq-ask").click()
    page.wait_for_function(f"document.querySelector('#nq-sources .nq-for')?.innerText.includes({question!r})",
                           timeout=60_000)


def test_sources_that_differ_side_by_side_and_the_timeline_view(archive_server, page):
    url, _ = archive_server
    page.goto(url)
    ask(page, "How many workers took part in the Harbour City strike?")
    answer = page.locator("#nq-chat [data-testid='bot']").last
    assert "Sources differ: Harbour Herald (20 Mar, the union) says 1,200 workers" in answer.inner_text()
    sides = page.locator("#nq-sources .nq-differ .nq-side")
    assert sides.count() == 2
    left, right = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert abs(left["y"] - right["y"]) < 2 and right["x"] >= left["x"] + left["width"]  # side by side
    assert [sides.nth(i).locator("mark").inner_text() for i in (0, 1)] == ["1,200 workers", "1,500 workers"]

    ask(page, "How did the Harbour City dock strike develop?")
    timeline = page.locator("#nq-sources .nq-timeline")
    assert not timeline.is_visible() and page.locator("#nq-sources .nq-card").first.is_visible()
    page.locator("#nq-sources .nq-view-label", has_text="Timeline").click()
    page.wait_for_function("getComputedStyle(document.querySelector('#nq-sources .nq-timeline')).display !== 'none'")
    assert not page.locator("#nq-sources .nq-card").first.is_visible()
    days = timeline.locator("time").all_inner_texts()
    assert days[:5] == ["4 Mar 2024", "12 Mar 2024", "14 Mar 2024", "20 Mar 2024", "21 Mar 2024"]

    ask(page, "How many container ships were waiting offshore in the second week of the strike?")
    card = page.locator("#nq-sources .nq-card", has_text="Coastal Wire").first
    assert card.locator(".nq-also").inner_text() == "also carried by Metro Daily"
    metas = page.locator("#nq-sources .nq-card .nq-meta").all_inner_texts()
    assert not any("Metro Daily" in m for m in metas), metas  # the copy is not cited a second time
    assert page.outside == []


def save_screenshot(page) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "web-chat.png"
    page.screenshot(path=str(shot))
    docs = ROOT / "docs" / "screenshot.png"
    if os.environ.get("UPDATE_SCREENSHOT") or not docs.exists():
        shutil.copyfile(shot, docs)
