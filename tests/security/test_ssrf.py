"""URL fetches reach public addresses only: every address form of loopback, private, link-local and
the rest is refused (on the address actually connected to), so are redirects and host names that
lead there, and NEWSQA_FETCH_ALLOW opens exactly what it names. Real loopback servers throughout:
on Linux every address of 127.0.0.0/8 is this machine, so 127.0.0.2 stands in for an allowed host."""

from __future__ import annotations

import json

import pytest

from ingest.article import Article, Skip
from ingest.guard import AddressPolicy
from ingest.load import load_sources
from qa.config import Settings
from qa.errors import ConfigError
from tests.helpers import run_cli
from tests.site import serve_site

SECRET = "The internal database password is hunter2-horse-battery."
PAGE = (f"<html><head><title>Internal notes</title></head><body><article><p>{SECRET}</p>"
        "<p>Staff only. This page is served on the loopback interface of the server and must never be "
        "fetched on behalf of a chat user, whatever they type into the URL box.</p></article></body></html>")


@pytest.fixture
def secret_site():
    """A page served only on 127.0.0.1 (the 'internal' service) and a site on 127.0.0.2."""
    with serve_site("0.0.0.0") as site:  # every local address answers; the guard decides what is fetched
        site.add("/secret.html", PAGE)
        yield site, site.base.rsplit(":", 1)[1]


def fetch(url: str, policy: AddressPolicy | None = None) -> tuple[list[Article], list[Skip]]:
    items = list(load_sources([url], policy=policy))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skip)]


# Each form names this machine (or the metadata service) without saying "127.0.0.1".
FORMS = {
    "loopback": "127.0.0.1", "loopback-other": "127.9.8.7", "localhost": "localhost",
    "ipv6-loopback": "[::1]", "ipv4-mapped": "[::ffff:127.0.0.1]", "ipv4-mapped-hex": "[::ffff:7f00:1]",
    "decimal": "2130706433", "hex": "0x7f000001", "short": "127.1", "octal": "0177.0.0.1",
    "unspecified": "0.0.0.0", "ipv6-unspecified": "[::]",
}
UNREACHABLE = {  # refused before any connection is tried, so nothing is sent to these networks
    "metadata": "169.254.169.254", "private-10": "10.0.0.1", "private-192": "192.168.1.1",
    "private-172": "172.16.0.1", "cgnat": "100.64.0.1", "multicast": "224.0.0.1", "reserved": "240.0.0.1",
    "ipv6-link-local": "[fe80::1]", "ipv6-unique-local": "[fd00::1]", "ipv6-multicast": "[ff02::1]",
    "broadcast": "255.255.255.255",
}


@pytest.mark.parametrize("host", FORMS.values(), ids=FORMS.keys())
def test_every_form_of_this_machine_is_refused(secret_site, host):
    site, port = secret_site
    url = f"http://{host}:{port}/secret.html"
    articles, [skip] = fetch(url)
    assert articles == [] and skip.source == url
    assert "refused" in skip.reason or "invalid" in skip.reason, skip.reason
    assert site.requests == []  # nothing reached the server


@pytest.mark.parametrize("host", UNREACHABLE.values(), ids=UNREACHABLE.keys())
def test_internal_networks_are_refused_without_a_connection(host):
    url = f"http://{host}/latest/meta-data/"
    _, [skip] = fetch(url)
    assert skip.reason.startswith(f"refused to fetch {url}: ") and "address" in skip.reason
    assert "NEWSQA_FETCH_ALLOW" in skip.reason  # the refusal says how to open an internal source


def test_the_refusal_names_the_kind_of_address(secret_site):
    _, port = secret_site
    cases = {"127.0.0.1": "127.0.0.1 is a loopback address", "localhost": "localhost resolves to 127.0.0.1, a loopback address",
             "169.254.169.254": "169.254.169.254 is a link-local address", "10.1.2.3": "10.1.2.3 is a private address",
             "[::ffff:127.0.0.1]": "127.0.0.1 is a loopback address", "0.0.0.0": "0.0.0.0 is an unspecified address"}
    for host, reason in cases.items():
        _, [skip] = fetch(f"http://{host}:{port}/secret.html")
        assert reason in skip.reason, (host, skip.reason)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "FILE:/etc/hostname", "ftp://ftp.example.org/x.txt",
                                 "gopher://example.org/1", "dict://127.0.0.1:11211/stat", "data:text/plain,hi"])
def test_only_http_and_https_are_fetched(url):
    _, [skip] = fetch(url)
    scheme = url.split(":")[0].lower()
    assert skip.reason.endswith(f"only http and https URLs are fetched, not {scheme}:"), skip.reason


def test_a_redirect_chain_ending_at_loopback_is_refused(secret_site):
    site, port = secret_site
    site.add("/hop1", "", status=302, Location=f"http://127.0.0.2:{port}/hop2")
    site.add("/hop2", "", status=301, Location=f"http://127.0.0.1:{port}/secret.html")
    allowed = AddressPolicy.from_setting("127.0.0.2")
    _, [skip] = fetch(f"http://127.0.0.2:{port}/hop1", allowed)
    assert "it redirects to 127.0.0.1, and 127.0.0.1 is a loopback address" in skip.reason
    assert site.paths() == ["/hop1", "/hop2"]  # the secret was never requested


def test_a_redirect_to_another_scheme_is_refused(secret_site):
    site, port = secret_site
    site.add("/to-file", "", status=302, Location="file:///etc/passwd")
    _, [skip] = fetch(f"http://127.0.0.2:{port}/to-file", AddressPolicy.from_setting("127.0.0.2"))
    assert "redirects to a URL that is not http or https" in skip.reason


def test_a_name_that_resolves_to_loopback_is_refused_and_a_rebind_cannot_slip_through(secret_site):
    """The guard connects to the address it checked: a resolver that answers an allowed address
    first and loopback later cannot make a later connection reach the internal page."""
    site, port = secret_site
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])
    policy = AddressPolicy.from_setting("127.0.0.2", resolve=lambda host, port: next(answers))
    site.add("/story", PAGE.replace("Internal notes", "Public story"))
    [first], _ = fetch(f"http://news.test:{port}/story", policy)
    assert first.title == "Public story"
    _, [skip] = fetch(f"http://news.test:{port}/secret.html", policy)
    assert "news.test resolves to 127.0.0.1, a loopback address" in skip.reason
    assert site.paths() == ["/story"]


def test_fetch_allow_opens_exactly_what_it_names(secret_site):
    site, port = secret_site
    page = f"http://127.0.0.2:{port}/secret.html"
    assert fetch(page, AddressPolicy.from_setting("127.0.0.2"))[0][0].text.startswith(SECRET)
    assert fetch(page, AddressPolicy.from_setting("127.0.0.0/30"))[0]
    for other in ("127.0.0.3", "127.0.0.4/32", "10.0.0.0/8", "intranet.test"):
        _, [skip] = fetch(page, AddressPolicy.from_setting(other))
        assert "127.0.0.2 is a loopback address" in skip.reason, other
    by_name = AddressPolicy.from_setting("localhost")  # a named host, at whatever address it has
    assert fetch(f"http://localhost:{port}/secret.html", by_name)[0]
    assert fetch(f"http://127.0.0.1:{port}/secret.html", by_name)[1]  # not the address behind it
    assert fetch(f"http://[::1]:{port}/secret.html", AddressPolicy.from_setting("::1"))[1][0].reason.startswith(
        "could not fetch URL")  # allowed, and nothing listens on IPv6 here: an ordinary failure


def test_a_feed_item_pointing_inside_is_not_fetched(secret_site):
    site, port = secret_site
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Teaser</title>'
            f'<link>http://127.0.0.1:{port}/secret.html</link><description>Short teaser.</description>'
            f'</item></channel></rss>')
    url = site.add("/feed.xml", feed, "application/rss+xml")
    [article], skips = fetch(url.replace("0.0.0.0", "127.0.0.2"), AddressPolicy.from_setting("127.0.0.2"))
    assert article.text == "Short teaser." and skips == []  # the summary is kept, the page never read
    assert "/secret.html" not in site.paths()


def test_a_bad_allow_entry_is_a_readable_setting_error():
    with pytest.raises(ConfigError, match="NEWSQA_FETCH_ALLOW entry 'http://x/'"):
        AddressPolicy.from_setting("10.0.0.0/8, http://x/")


def test_the_cli_refuses_by_default_and_allow_private_opens_it(secret_site, tmp_path):
    _, port = secret_site
    settings = Settings(_env_file=None, data_dir=tmp_path / "d")
    url = f"http://127.0.0.1:{port}/secret.html"
    result = run_cli(settings, "ingest", url, "--json")
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["added"] == 0 and "127.0.0.1 is a loopback address" in report["skipped"][0]["reason"]
    report = json.loads(run_cli(settings, "ingest", url, "--json", "--allow-private").output.strip().splitlines()[-1])
    assert report["added"] == 1 and report["skipped"] == []
