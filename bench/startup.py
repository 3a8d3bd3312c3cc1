"""Start-up of the CLI: median wall time of `newsqa ...` over a bare `python -c pass`, in one run.

    python -m bench.startup [--runs 7] [--corpus samples/]

Times, as subprocesses of this interpreter: `python -c pass`, `newsqa --help`, `newsqa ask --help`,
`newsqa search --help`, and (against an index of --corpus built first in a temp dir) `newsqa search`
and `newsqa ask` for one question, the last two beside the same work done in-process (after warm-up),
so "overhead" is what a fresh process costs beyond the work. Bare imports of the two engines, Chroma (for
search) and LangChain's runnables (for the answering chain), are timed too: that much of the overhead is
theirs. The issue's bar: --help within 0.15 s of
the bare interpreter; search and ask within 0.6 s of their in-process time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "What did Russia and Cuba say about the INF Treaty?"


def wall(args: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of running args `runs` times."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_process(data: Path, runs: int) -> tuple[float, float]:
    """Median seconds of one search and one extractive answer in this process, after one warm-up each.

    Each answer is asked of a new Answerer, as a fresh `newsqa ask` does: the answerer's cache of sentence
    vectors would otherwise hide the embedding of the passages' sentences, which is work a command does."""
    from qa.answering.answer import build_answerer
    from qa.config import Settings
    from ui.context import Library

    library = Library(Settings(data_dir=data))
    search = lambda: library.retriever.search(QUESTION)  # noqa: E731
    ask = lambda: build_answerer(library.settings, library.retriever, library.embeddings).answer(QUESTION)  # noqa: E731
    out = []
    for work in (search, ask):
        work()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        out.append(statistics.median(times))
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=Path("samples"))
    args = parser.parse_args()
    cli = [sys.executable, "-m", "ui.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NEWSQA_DATA_DIR": tmp}
        subprocess.run([*cli, "ingest", str(args.corpus)], env=env, check=True, stdout=subprocess.DEVNULL)
        bare = wall([sys.executable, "-c", "pass"], env, args.runs)
        print(f"python -c pass        {bare:.3f} s")
        for name, extra in (("--help", ["--help"]), ("ask --help", ["ask", "--help"]),
                            ("search --help", ["search", "--help"])):
            took = wall([*cli, *extra], env, args.runs)
            print(f"newsqa {name:<14} {took:.3f} s  (+{took - bare:.3f} s over bare, {took / bare:.1f}x)")
        for name, code in (("chromadb", "import chromadb"),  # the floor our own code cannot lower
                           ("+ LangChain runnables", "import chromadb; from langchain_core.runnables import RunnableLambda")):
            took = wall([sys.executable, "-c", code], env, args.runs)
            print(f"import {name:<21} {took:.3f} s  (+{took - bare:.3f} s over bare)")
        work = in_process(Path(tmp), args.runs)
        for (name, extra), done in zip((("search", ["search", QUESTION]), ("ask", ["ask", QUESTION])), work):
            took = wall([*cli, *extra], env, args.runs)
            print(f"newsqa {name:<14} {took:.3f} s  (in-process {done:.3f} s, overhead {took - done:.3f} s)")


if __name__ == "__main__":
    main()
