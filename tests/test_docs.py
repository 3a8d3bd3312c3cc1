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


def test_readme_layout_lists_every_module_of_every_package():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### How the code is laid out"):]
    section = section[:section.index("\n#")]
    listed = {m.group(1): set(re.split(r",\s*", re.sub(r"\s+", " ", m.group(2)).strip().rstrip(".")))
              for m in re.finditer(r"^- `([\w/]+)/`.*?Modules:\s+(.*?\.)\s*$(?=\n(?:- |\n|`))", section, re.M | re.S)}
    packages = {str(p.parent.relative_to(ROOT)) for pkg in ("qa", "ingest", "ui")
                for p in (ROOT / pkg).rglob("__init__.py")}
    assert set(listed) == packages
    for package, modules in listed.items():
        found = {p.stem for p in (ROOT / package).glob("*.py") if p.stem != "__init__"}
        assert modules == found, f"{package}/: README lists {sorted(modules - found)}, misses {sorted(found - modules)}"
