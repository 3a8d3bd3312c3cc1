"""ingest.load: every format, metadata, folder walks, encodings, URLs and feeds, and every kind of bad input.

URLs are served by a real loopback HTTP server (`site` fixture); nothing of ours is mocked. Each
bad-input test checks the Skip's source and reason *and* that the valid articles of the same run load.
"""

from __future__ import annotations

import codecs
import json
import shutil
import socket
from collections.abc import Iterable
from pathlib import Path

import pytest

from ingest.article import Article, Skip
from ingest.clean import clean_text
from ingest.guard import AddressPolicy
from ingest.load import load_sources
from qa.errors import SourceError
from tests.conftest import SEED
from tests.site import serve_site

DATA = Path(__file__).parents[1] / "data"
GOOD_TEXT = "Russia and Cuba are opposed to unilateral sanctions, Putin said after the talks in Moscow."
MB = 2**20


LOOPBACK_OK = AddressPolicy.from_setting("127.0.0.1")  # the test site's address, named as NEWSQA_FETCH_ALLOW would


def load(sources: Iterable[str | Path], **options) -> tuple[list[Article], list[Skip]]:
    options.setdefault("policy", LOOPBACK_OK)
    items = list(load_sources([str(s) for s in sources], **options))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skip)]


def by_source(items: list) -> dict:
    return {item.source: item for item in items}


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@pytest.fixture
def good(tmp_path) -> Path:
    """A valid article that must survive next to every bad input."""
    return write(tmp_path / "good.txt", "Title: Talks in Moscow\n\n" + GOOD_TEXT)


def assert_good_survives(articles: list[Article]) -> None:
    assert [a.text for a in articles if a.title == "Talks in Moscow"] == [GOOD_TEXT]


# --- a loopback web site --------------------------------------------------------------------------


@pytest.fixture
def site():
    with serve_site() as site:
        yield site


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/story"


def page(title: str, *paragraphs: str, canonical: str = "") -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{link}"
            f'<meta property="og:site_name" content="Example News"></head>'
            f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")


STORY = (
    "Russian Deputy Defense Minister Yuri Borisov told reporters Cuba’s defense minister will visit "
    "Russia in the second half of November to discuss military cooperation.",
    "“I think our Defense Minister Sergey Shoigu will hold a meeting with his counterpart and they will "
    "determine the most promising areas of cooperation for the near future,” Borisov added.",
)


def rss(*items: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example News</title>'
            f"<link>http://example.invalid/</link>{''.join(items)}</channel></rss>")


def rss_item(title: str = "", link: str = "", summary: str = "", date: str = "") -> str:
    parts = [f"<title>{title}</title>" if title else "", f"<link>{link}</link>" if link else "",
             f"<description>{summary}</description>" if summary else "",
             f"<pubDate>{date}</pubDate>" if date else ""]
    return f"<item>{''.join(parts)}</item>"


# --- text, Markdown, sidecars -------------------------------------------------------------------


def test_seed_sample_gets_its_outlet_from_the_sidecar_and_is_clean():
    articles, skips = load([SEED])
    assert skips == []
    [article] = articles
    assert article.outlet == "TASS"
    assert article.source == str(SEED)
    assert article.text == clean_text(SEED.read_text(encoding="utf-8"))
    assert article.text.startswith("Russia and Cuba are in favor of non-interference")
    assert (article.title, article.url, article.published_at) == ("", "", "")


def test_txt_header_lines_become_metadata_and_leave_the_body():
    [article], skips = load([DATA / "headers.txt"])
    assert skips == []
    assert article.title == "Cuba's defense minister to visit Russia"  # whitespace tidied
    assert article.published_at == "2018-11-02T15:04:00+03:00"
    assert (article.outlet, article.author) == ("TASS", "Staff reporter")
    assert article.url == "https://news.example.com/world/cuba-defense-visit"
    assert article.text.startswith("Russian Deputy Defense Minister")
    assert "Title:" not in article.text and len(article.text.split("\n\n")) == 2


def test_markdown_front_matter_becomes_metadata():
    [article], _ = load([DATA / "front-matter.md"])
    assert article.title == "Moscow and Havana condemn unilateral measures"
    assert (article.published_at, article.outlet, article.author) == ("2018-11-02", "TASS", "Ann Lee, Bo Chan")
    assert article.text.startswith("Moscow and Havana condemn") and "---" not in article.text
    assert len(article.text.split("\n\n")) == 2


def test_markdown_heading_is_the_title_and_bad_front_matter_is_read_as_plain_lines(tmp_path):
    heading = write(tmp_path / "a.md", "# Havana talks\n\n" + GOOD_TEXT)
    bad_yaml = write(tmp_path / "b.md", "---\ntitle: [unclosed\nsource: TASS\n---\n" + GOOD_TEXT)
    articles, skips = load([heading, bad_yaml])
    assert skips == []
    assert (articles[0].title, articles[0].text) == ("Havana talks", GOOD_TEXT)
    # the block never becomes article text, and the note says how it was read
    assert (articles[1].title, articles[1].outlet, articles[1].text) == ("[unclosed", "TASS", GOOD_TEXT)
    assert "not valid YAML" in articles[1].note and not articles[0].note


def test_sidecar_overrides_file_metadata_and_a_broken_sidecar_is_reported(tmp_path):
    article = write(tmp_path / "a.txt", "Title: Old title\nSource: Nobody\n\n" + GOOD_TEXT)
    write(tmp_path / "a.txt.meta.json", json.dumps({"title": "New title", "outlet": "TASS", "author": "",
                                                    "published_at": "2018-11-02"}))
    other = write(tmp_path / "b.txt", GOOD_TEXT + " Again.")
    write(tmp_path / "b.txt.meta.json", "{not json")
    articles, skips = load([article, other])
    assert (articles[0].title, articles[0].outlet, articles[0].published_at) == ("New title", "TASS", "2018-11-02")
    assert articles[1].text == GOOD_TEXT + " Again."  # still loaded without its sidecar
    assert skips == [Skip(str(tmp_path / "b.txt.meta.json"), "invalid JSON at line 1, column 2: "
                                                              "Expecting property name enclosed in double quotes")]


# --- HTML ------------------------------------------------------------------------------------------


def test_html_main_text_and_metadata_offline():
    [article], skips = load([DATA / "page.html"])
    assert skips == []
    assert article.title == "Russia and Cuba sign joint statement"
    assert (article.author, article.outlet) == ("Jane Doe", "Example News")
    assert article.published_at == "2018-11-02T18:30:00+03:00"
    assert article.url == "https://news.example.com/world/russia-cuba-statement?utm_source=rss"  # canonical link
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("Russia and Cuba are opposed to unilateral sanctions")
    assert paragraphs[1].startswith("“The sides note")  # quotes kept, hard-wrapped HTML joined
    assert len(paragraphs) == 3
    assert "Home" not in article.text and "All rights reserved" not in article.text


# --- JSON and JSONL ---------------------------------------------------------------------------------


def test_json_array_records_and_a_record_without_body():
    articles, skips = load([DATA / "articles.json"])
    path = str(DATA / "articles.json")
    first, third = articles
    # An Article's source is the file (the indexer deletes and prunes by it); a Skip names the record.
    assert (first.source, first.title, first.outlet, first.author) == (
        path, "Russia backs Cuba against embargo", "TASS", "Ann Lee, Bo Chan")
    assert (first.url, first.published_at) == ("https://news.example.com/world/embargo", "2018-11-02")
    assert third.source == path and third.published_at == "2018-11-02"
    assert third.text == "Russia may provide a 38 mln euro credit to Cuba.\n\nThe agreement may be signed soon."
    [skip] = skips
    assert skip.source == f"{path}#1"
    assert skip.reason.startswith("record has no body (looked for: body, text, content, article, article_text")


def test_json_wrapped_list_and_single_object(tmp_path):
    single = write(tmp_path / "one.json", json.dumps({"headline": "Talks in Moscow", "article": GOOD_TEXT}))
    articles, skips = load([DATA / "wrapped.json", single])
    assert skips == []
    assert [a.source for a in articles] == [str(DATA / "wrapped.json"), str(single)]
    assert (articles[0].outlet, articles[0].published_at) == ("TASS", "2018-11-02T12:00:00+00:00")
    assert_good_survives(articles)


def test_jsonl_broken_line_is_reported_with_its_number_and_the_rest_loads():
    articles, skips = load([DATA / "export.jsonl"])
    path = str(DATA / "export.jsonl")
    assert [a.source for a in articles] == [path, path]
    assert [a.title for a in articles] == ["Putin meets Diaz-Canel", "Chemical weapons convention"]
    assert skips == [Skip(f"{path}:2", "invalid JSON: Unterminated string starting at (column 45)")]


def test_field_map_names_the_fields_of_an_export():
    articles, _ = load([DATA / "export.jsonl"], field_map={"body": "article_text", "date": "pub"})
    assert [a.published_at for a in articles] == ["2018-11-02", "2018-11-03"]
    mapped, skips = load([DATA / "export.jsonl"], field_map={"body": "summary"})
    assert mapped == [] and len(skips) == 3
    assert skips[0].reason == "record has no body (looked for: summary)"


def test_unknown_field_in_the_field_map_is_an_error():
    with pytest.raises(SourceError, match="unknown field 'bodyy'.*use one of: body, title"):
        load_sources([str(DATA / "export.jsonl")], field_map={"bodyy": "x"})  # raised before reading


def test_malformed_json_file_reports_line_and_column(tmp_path, good):
    bad = write(tmp_path / "bad.json", '[\n  {"title": "x",\n   "body": }\n]')
    articles, skips = load([bad, good])
    assert skips == [Skip(str(bad), "invalid JSON at line 3, column 12: Expecting value")]
    assert_good_survives(articles)


def test_json_without_records_is_a_skip(tmp_path, good):
    empty_list = write(tmp_path / "a.json", "[]")
    no_list = write(tmp_path / "b.json", '{"status": "ok", "count": 0}')
    articles, skips = load([empty_list, no_list, good])
    assert [s.source for s in skips] == [str(empty_list), str(no_list)]
    assert skips[0].reason == "no articles found: the list of records is empty"
    assert skips[1].reason.startswith("no articles found: expected a list of records")
    assert_good_survives(articles)


# --- folders -------------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "archive"
    write(root / "b.txt", "Title: B\n\n" + GOOD_TEXT + " B.")
    write(root / "a.md", "# A\n\n" + GOOD_TEXT + " A.")
    write(root / "a.md.meta.json", '{"outlet": "TASS"}')
    write(root / "drafts" / "c.md", "# C\n\n" + GOOD_TEXT + " C.")
    write(root / "sub" / "d.txt", "Title: D\n\n" + GOOD_TEXT + " D.")
    write(root / ".hidden" / "e.txt", GOOD_TEXT)
    write(root / ".f.txt", GOOD_TEXT)
    write(root / "notes.xyz", "not loaded")
    return root


def test_folder_walk_is_sorted_recursive_and_skips_hidden_files_and_sidecars(tree):
    articles, skips = load([tree])
    assert [Path(a.source).relative_to(tree).as_posix() for a in articles] == [
        "a.md", "b.txt", "drafts/c.md", "sub/d.txt"]
    assert [a.title for a in articles] == ["A", "B", "C", "D"]
    assert articles[0].outlet == "TASS"
    assert skips == [Skip(str(tree / "notes.xyz"), "unsupported file type .xyz")]


def test_include_and_exclude_globs(tree):
    articles, skips = load([tree], include=["*.md"], exclude=["drafts/**"])
    assert ([a.title for a in articles], skips) == (["A"], [])
    articles, _ = load([tree], include=["sub/*", "b.txt"])
    assert [a.title for a in articles] == ["B", "D"]
    articles, skips = load([tree], include=["*.pdf"])
    assert articles == [] and skips == [Skip(str(tree), "no files to load (none match the include patterns)")]


def test_explicit_file_with_unknown_extension_is_sniffed(tmp_path, good):
    notes = write(tmp_path / "notes.log", "Title: Sniffed\n\n" + GOOD_TEXT)
    export = write(tmp_path / "export.dat", json.dumps([{"title": "From JSON", "text": GOOD_TEXT}]))
    articles, skips = load([notes, export, good])
    assert skips == []
    assert [a.title for a in articles] == ["Sniffed", "From JSON", "Talks in Moscow"]


# --- encodings -----------------------------------------------------------------------------------

FRENCH = "Le président russe a déclaré à Moscou que la coopération avec Cuba était « très étroite »."
QUOTES = "He said “we fully agree” — a credit worth €38 million… was discussed."


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("latin1.txt", FRENCH.encode("latin-1"), FRENCH),
    ("cp1252.txt", QUOTES.encode("cp1252"), QUOTES),
    ("bom8.txt", codecs.BOM_UTF8 + QUOTES.encode("utf-8"), QUOTES),
    ("bom16.txt", QUOTES.encode("utf-16"), QUOTES),  # Python writes a BOM for "utf-16"
    ("utf16be.txt", codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), FRENCH),
    ("cyrillic.txt", ("Президент России Владимир Путин заявил, что Россия и Куба выступают против "
                      "односторонних санкций.").encode("cp1251"), "Президент России"),
])
def test_text_encodings_are_detected(tmp_path, name, data, expected):
    [article], skips = load([write(tmp_path / name, data)])
    assert skips == []
    assert article.text.startswith(expected) and "\ufeff" not in article.text


def test_declared_charset_wins_over_detection(tmp_path):
    # Detection would read this Polish text as Windows-1252 ("¿ó³æ"); the page says windows-1250.
    polish = "Prezydent Rosji powiedział, że Rosja i Kuba są przeciwne sankcjom: żółć, źródło, ślad."
    html = page("Żółta flaga", polish, *STORY).replace("<head>", '<head><meta charset="windows-1250">')
    [article], _ = load([write(tmp_path / "p.html", html.encode("cp1250"))])
    assert (article.title, article.text) == ("Żółta flaga", "\n\n".join([polish, *STORY]))


def test_utf8_wins_over_a_wrong_declared_charset(site):
    # Servers often label UTF-8 as ISO-8859-1; valid UTF-8 is taken as UTF-8.
    url = site.add("/fr.txt", FRENCH, "text/plain; charset=iso-8859-1")
    [article], _ = load([url])
    assert article.text == FRENCH


def test_crlf_front_matter_and_og_url_after_canonical(tmp_path):
    md = write(tmp_path / "a.md", "---\r\ntitle: Havana talks\r\n---\r\n" + GOOD_TEXT + "\r\n")
    html = page("Defense minister to visit", *STORY, canonical="https://news.example.com/canonical").replace(
        "<head>", '<head><meta property="og:url" content="https://news.example.com/og">')
    articles, skips = load([md, write(tmp_path / "p.html", html)])
    assert skips == []
    assert (articles[0].title, articles[0].text) == ("Havana talks", GOOD_TEXT)
    assert articles[1].url == "https://news.example.com/canonical"


# --- bad files -----------------------------------------------------------------------------------


def test_missing_path_is_a_skip(tmp_path, good):
    missing = tmp_path / "nope" / "x.txt"
    articles, skips = load([missing, good])
    assert skips == [Skip(str(missing), "no such file or folder")]
    assert_good_survives(articles)


def test_empty_and_whitespace_files_are_skipped(tmp_path, good):
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.md", " \n\n\t\n")
    articles, skips = load([empty, blank, good])
    assert skips == [Skip(str(empty), "empty file"), Skip(str(blank), "empty file")]
    assert_good_survives(articles)


def test_file_with_only_boilerplate_or_headers_has_no_article_text(tmp_path, good):
    headers_only = write(tmp_path / "h.txt", "Title: Nothing here\nDate: 2018-11-02\n")
    nav_only = write(tmp_path / "n.txt", "- Press review: one\n- Press review: two\n")
    articles, skips = load([headers_only, nav_only, good])
    assert skips == [Skip(str(headers_only), "no article text"), Skip(str(nav_only), "no article text")]
    assert_good_survives(articles)


def test_binary_file_is_skipped(tmp_path, good):
    png = write(tmp_path / "folder" / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    shutil.copy(good, tmp_path / "folder" / "good.txt")
    articles, skips = load([tmp_path / "folder"])
    assert skips == [Skip(str(png), "binary file, not text")]
    assert_good_survives(articles)


def test_undecodable_text_is_skipped(tmp_path, good):
    garbage = write(tmp_path / "garbage.txt", bytes(range(0x80, 0x100)) * 4)
    articles, skips = load([garbage, good])
    assert skips == [Skip(str(garbage), "cannot decode text")]
    assert_good_survives(articles)


def test_file_over_the_size_cap_is_skipped_unread(tmp_path, good):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(25 * MB)  # sparse: nothing is written to disk
    articles, skips = load([big, good])
    assert skips == [Skip(str(big), "file is 25.0 MB, over the 20 MB limit")]
    assert_good_survives(articles)


def test_unreadable_file_is_skipped(tmp_path, good):
    locked = write(tmp_path / "locked.txt", GOOD_TEXT)
    locked.chmod(0)
    try:
        if locked.read_bytes():  # running as root: permissions do not apply
            pytest.skip("permissions are not enforced for this user")
    except PermissionError:
        pass
    articles, skips = load([locked, good])
    assert skips == [Skip(str(locked), "cannot read: Permission denied")]
    assert_good_survives(articles)


# --- feeds from files ------------------------------------------------------------------------------


def test_atom_file_with_full_content_and_a_broken_entry():
    articles, skips = load([DATA / "feed.atom"])
    path = str(DATA / "feed.atom")
    [article] = articles
    assert article.source == path
    assert (article.title, article.author, article.outlet) == (
        "Russia and Cuba against Monroe Doctrine", "Jane Doe", "Example News: World")
    assert (article.url, article.published_at) == ("https://news.example.com/world/monroe", "2018-11-02T18:00:00+00:00")
    assert len(article.text.split("\n\n")) == 2
    assert skips == [Skip(f"{path}#item-2", "item has no link and no text")]


def test_xml_file_that_is_not_a_feed(tmp_path, good):
    sitemap = write(tmp_path / "sitemap.xml", '<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    articles, skips = load([sitemap, good])
    assert [(s.source, s.reason) for s in skips] == [(str(sitemap), "not an RSS or Atom feed")]
    assert_good_survives(articles)


# --- URLs and feeds over HTTP ------------------------------------------------------------------------


def test_article_page_url_follows_redirects_and_sends_our_user_agent(site):
    url = site.add("/world/talks", page("Defense minister to visit", *STORY, canonical="/world/talks-canonical"))
    old = site.add("/old", b"", status=301, Location="/world/talks")
    [article], skips = load([old])
    assert skips == []
    assert (article.source, article.title, article.outlet) == (old, "Defense minister to visit", "Example News")
    assert article.url == site.base + "/world/talks-canonical"  # relative canonical resolved
    assert article.text == "\n\n".join(STORY)
    assert site.requests == [("/old", "newsqa/0.1"), ("/world/talks", "newsqa/0.1")]
    assert url.endswith("/world/talks")


def test_plain_text_and_json_urls(site):
    text_url = site.add("/a.txt", "Title: Plain\n\n" + GOOD_TEXT, "text/plain; charset=utf-8")
    json_url = site.add("/api", json.dumps({"items": [{"title": "From API", "body": GOOD_TEXT}]}), "application/json")
    articles, skips = load([text_url, json_url])
    assert skips == []
    assert [(a.title, a.source) for a in articles] == [("Plain", text_url), ("From API", json_url)]


def test_rss_items_with_short_summaries_fetch_their_pages(site):
    story = site.add("/story/1", page("Borisov on the visit", *STORY, canonical=site.base + "/story/1"))
    gone = site.base + "/gone"
    feed = site.add("/rss.xml", rss(
        rss_item("Defense minister to visit", story, "Cuba’s defense minister will visit Russia.",
                 "Fri, 02 Nov 2018 15:04:00 +0300"),
        rss_item("Page is gone, summary kept", gone, "Russia may provide a 38 mln euro credit to Cuba."),
        rss_item(),  # no link and no text
        rss_item("Page is gone, nothing else", gone),
    ), "application/rss+xml")
    articles, skips = load([feed])
    first, second = articles
    assert (first.source, first.title, first.url) == (feed, "Defense minister to visit", story)
    assert first.published_at == "2018-11-02T15:04:00+03:00" and first.outlet == "Example News"
    assert first.text == "\n\n".join(STORY)  # the page's text, not the teaser
    assert (second.source, second.text) == (feed, "Russia may provide a 38 mln euro credit to Cuba.")
    assert skips == [
        Skip(f"{feed}#item-3", "item has no link and no text"),
        Skip(f"{feed}#item-4", "item has no text and its page failed: could not fetch URL: HTTP 404 Not Found"),
    ]
    assert site.paths() == ["/rss.xml", "/story/1", "/gone", "/gone"]  # only the feed and its item links


def test_long_feed_content_is_used_without_fetching(site):
    long_text = " ".join(STORY * 2)
    feed = site.add("/long.xml", rss(rss_item("Long", site.base + "/never", f"&lt;p&gt;{long_text}&lt;/p&gt;")),
                    "application/rss+xml")
    [article], _ = load([feed])
    assert article.text == long_text and site.paths() == ["/long.xml"]


def test_atom_feed_url_and_a_feed_served_as_html_are_detected(site):
    atom = site.add("/atom", (DATA / "feed.atom").read_bytes(), "application/atom+xml")
    sniffed = site.add("/feed-as-html", (DATA / "feed.atom").read_bytes(), "text/html")
    articles, skips = load([atom, sniffed])
    assert [a.source for a in articles] == [atom, sniffed]
    assert [s.source for s in skips] == [f"{atom}#item-2", f"{sniffed}#item-2"]


def test_bad_urls_are_skips_and_good_ones_load(site, good):
    ok = site.add("/ok", page("Defense minister to visit", *STORY))
    missing = site.base + "/missing"
    image = site.add("/photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")
    empty = site.add("/empty", b"", "text/html")
    loop = site.add("/loop", b"", status=302, Location="/loop")
    unreachable = refused_url()
    articles, skips = load([missing, image, empty, loop, unreachable, ok, good])
    assert skips == [
        Skip(missing, "could not fetch URL: HTTP 404 Not Found"),
        Skip(image, "unsupported content type image/png"),
        Skip(empty, "empty response"),
        Skip(loop, "could not fetch URL: too many redirects"),
        Skip(unreachable, "could not fetch URL: connection refused"),
    ]
    assert [a.source for a in articles] == [ok, str(good)]


def test_responses_over_the_size_cap_are_skipped(site, good):
    declared = site.add("/declared", b"x" * (2 * MB), "text/plain")
    streamed = site.add("/streamed", b"x" * (2 * MB), "text/plain", no_length="1")
    ok = site.add("/ok", page("Defense minister to visit", *STORY))
    articles, skips = load([declared, streamed, ok, good], max_bytes=MB)
    assert skips == [
        Skip(declared, "response is 2.0 MB, over the 1 MB limit"),
        Skip(streamed, "response is larger than the 1 MB limit"),
    ]
    assert [a.source for a in articles] == [ok, str(good)]


def test_slow_server_times_out(good):
    with socket.socket() as listener:  # accepts the connection, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
        articles, skips = load([url, good], timeout=0.3)
    assert skips == [Skip(url, "could not fetch URL: no answer within 0.3 s")]
    assert_good_survives(articles)


def test_newsqaignore_keeps_listed_files_out_of_a_folder_ingest(tmp_path):
    (tmp_path / "story.txt").write_text("Title: Kept\n\nA story about ports and ships.\n")
    (tmp_path / "questions.jsonl").write_text('{"question": "not an article"}\n')
    (tmp_path / ".newsqaignore").write_text("# the eval set\nquestions.jsonl\n")
    items = list(load_sources([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Article"]
    assert items[0].title == "Kept"


def test_stray_control_characters_are_cleaned_not_taken_for_binary(tmp_path, good):
    text = ("Harbour talks resumed on Friday.\x00 The dock workers' strike, which began on 3 March, ended\x07 "
            "after the port authority agreed to a 4 percent raise, a union spokesman said.\n")
    stray = write(tmp_path / "folder" / "stray.txt", text.encode())
    shutil.copy(good, tmp_path / "folder" / "good.txt")
    articles, skips = load([tmp_path / "folder"])
    assert skips == []
    cleaned = next(a for a in articles if a.source == str(stray))
    assert "\x00" not in cleaned.text and "\x07" not in cleaned.text
    assert "Friday. The dock workers' strike" in cleaned.text and "ended after the port" in cleaned.text
    assert_good_survives(articles)
