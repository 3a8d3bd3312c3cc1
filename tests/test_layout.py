"""The house rules, checked on the source: which package may import which, no import circles, doctests
run for every module, and bench/ is neither installed nor imported by the tests."""

from __future__ import annotations

import ast
import tomllib
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("qa", "ingest", "ui")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def import_graph() -> dict[str, set[str]]:
    """{module: the project modules it imports}, from the source (top-level and function-level imports)."""
    modules = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules}
        graph[name] = found - {name}
    return graph


def importers_of(prefix: str) -> set[str]:
    return {m for m, deps in import_graph().items() if not within(m, prefix)
            and any(within(d, prefix) for d in deps)}


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize(("importer", "forbidden"), [
    ("qa", "ingest"), ("qa", "ui"), ("ingest", "ui"), ("ui.web", "ui.slack"), ("ui.slack", "ui.web"),
    ("ui.render", "ui.cli"), ("ui.render", "ui.web"), ("ui.render", "ui.slack"),
])
def test_dependencies_point_one_way(importer, forbidden):
    wrong = sorted(f"{m} -> {d}" for m, deps in import_graph().items() if within(m, importer)
                   for d in deps if within(d, forbidden))
    assert not wrong, wrong


def test_the_core_never_imports_eval_and_only_the_cli_does():
    assert {m.split(".")[0] + "." + m.split(".")[1] for m in importers_of("qa.eval")} <= {"ui.cli"}
    assert not importers_of("ui.web") - {"ui.cli.web"}
    assert not importers_of("ui.slack") - {"ui.cli.slack"}


def test_no_import_circles():
    graph, state, cycles = import_graph(), {}, []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # a package __init__ that re-exports its own submodule is not a circle between modules
    real = [c for c in cycles if not any(within(b, a) or within(a, b) for a, b in zip(c, c[1:]))]
    assert not real, real


def test_doctests_run_for_every_module_and_warnings_are_errors():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in config["addopts"]
    assert set(PACKAGES) <= set(config["testpaths"])
    assert config["filterwarnings"][0] == "error"
    skipped = [str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
               if "doctest: +SKIP" in p.read_text(encoding="utf-8")]
    assert not skipped, f"doctests that never run: {skipped}"


def test_bench_is_not_installed_and_tests_do_not_import_it():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert not [p for p in config["include"] if within(p.rstrip(".*"), "bench")]
    importing = [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")
                 if any(isinstance(n, (ast.Import, ast.ImportFrom)) and "bench" in ast.unparse(n).split()[1].split(".")[:1]
                        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert not importing, importing
