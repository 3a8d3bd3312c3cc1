"""Docs are tested: the README shows the commands CI and newcomers run, and every CLI command."""

import re

from tests.conftest import ROOT


def test_readme_setup_commands_are_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, flags=re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)


def test_readme_mentions_every_cli_command():
    from ui.cli.main import cli

    readme = (ROOT / "README.md").read_text()
    missing = [name for name in cli.commands if f"newsqa {name}" not in readme]
    assert not missing, f"README never shows: {missing}"
