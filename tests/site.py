"""A loopback web site for the fetch tests: routes, redirects, and a log of every request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Site:
    """Routes path -> (status, content type, body, extra headers); records every request it gets."""

    routes: dict[str, tuple[int, str, bytes, dict]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, User-Agent)
    base: str = ""

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
            status: int = 200, **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, content_type, data, headers)
        return self.base + path

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("User-Agent", "")))
            status, content_type, body, headers = site.routes.get(self.path, (404, "text/plain", b"nope", {}))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            if "no_length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its size cap

    return Handler


@contextmanager
def serve_site(host: str = "127.0.0.1") -> Iterator[Site]:
    """A Site served on host (any address of 127.0.0.0/8 works on Linux) and a free port."""
    site = Site()
    server = ThreadingHTTPServer((host, 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
