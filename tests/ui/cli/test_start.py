"""A fast start: the command line imports nothing heavy until a command runs (start-up is measured by
bench/startup.py; this checks the cause, which a timing could only suggest)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("chromadb", "onnxruntime", "gradio", "langchain", "langchain_core", "langchain_openai", "datasketch",
         "slack_bolt", "numpy", "pydantic_settings", "openai", "dateparser")


def loaded_after(code: str, **env: str) -> list[str]:
    """The HEAVY modules a fresh interpreter holds after running code."""
    probe = f"import sys\n{code}\nprint(__import__('json').dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_nothing_heavy():
    assert loaded_after("import ui.cli.main") == []


@pytest.mark.parametrize("args", [["--help"], ["ask", "--help"], ["search", "--help"], ["eval", "--help"],
                                  ["web", "--help"], ["slack", "--help"], ["ingest", "--help"]])
def test_help_loads_nothing_heavy(args):
    code = f"from ui.cli.main import cli\ntry:\n    cli.main({args!r}, prog_name='newsqa')\nexcept SystemExit:\n    pass"
    assert loaded_after(code) == []


def test_a_command_that_runs_still_reads_its_settings(tmp_path):
    assert "pydantic_settings" in loaded_after(
        "from ui.cli.main import cli\ntry:\n    cli.main(['stats', '--json'], prog_name='newsqa')\nexcept SystemExit:\n    pass",
        NEWSQA_DATA_DIR=str(tmp_path))


def test_search_loads_chroma_and_the_embedder_but_not_langchain(tmp_path):
    """`newsqa search` ranks with Chroma and the local model; LangChain's 0.3 s import is for answering."""
    run = "from ui.cli.main import cli\ntry:\n    cli.main({args!r}, prog_name='newsqa')\nexcept SystemExit:\n    pass"
    env = {"NEWSQA_DATA_DIR": str(tmp_path)}
    loaded_after(run.format(args=["ingest", str(ROOT / "samples")]), **env)
    loaded = loaded_after(run.format(args=["search", "INF Treaty"]), **env)
    assert {"chromadb", "onnxruntime"} <= set(loaded)
    assert not {"langchain", "langchain_core", "langchain_openai"} & set(loaded)
