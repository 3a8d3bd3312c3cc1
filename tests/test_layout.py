"""The house rules, checked on the source: which package may import which, no import circles, doctests
run for every module, and bench/ is neither installed nor imported by the tests."""

from __future__ import annotations

import ast
import shutil
import tomllib
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("qa", "ingest", "ui")
# qa/ in layers: each sub-package and what it may import besides the flat core modules of qa/ (config,
# errors, types, ...), which themselves import no sub-package. qa.eval sits on top of all of them.
LAYERS = {
    "qa.index": set(),
    "qa.checks": set(),
    "qa.retrieval": {"qa.index", "qa.checks"},
    "qa.answering": {"qa.index", "qa.checks", "qa.retrieval"},
    "qa.eval": {"qa.index", "qa.checks", "qa.retrieval", "qa.answering"},
}
# qa.checks is pure (see its __init__): the standard library's text tools, numpy and the qa core only.
PURE_ALLOWED = {"__future__", "re", "dataclasses", "collections", "datetime", "functools", "itertools",
                "math", "typing", "numpy"}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every absolute module name path imports (top-level and function-level), with `from m import x` as m.x."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def build_graph(root: Path) -> dict[str, set[str]]:
    """{module: the project modules it imports}, from the source under root."""
    modules = {module_name(p, root): p for pkg in PACKAGES for p in (root / pkg).rglob("*.py")}
    return {name: {t for t in imported_names(path) if t in modules} - {name} for name, path in modules.items()}


@cache
def import_graph() -> dict[str, set[str]]:
    return build_graph(ROOT)


def layer_of(module: str) -> str:
    """'qa.checks.cite' -> 'qa.checks'; 'qa.text' -> 'qa' (the core); 'ui.cli' -> 'ui'."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "qa" and ".".join(parts[:2]) in LAYERS else parts[0]


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports inside qa/ that go up or across the layers of LAYERS."""
    wrong = []
    for module, deps in graph.items():
        if not within(module, "qa"):
            continue
        here = layer_of(module)
        for dep in deps:
            there = layer_of(dep)
            if there not in (here, "qa") and there not in LAYERS.get(here, set()):
                wrong.append(f"{module} -> {dep}")
    return sorted(wrong)


def impure_imports(root: Path) -> list[str]:
    """What qa/checks imports beyond PURE_ALLOWED and the qa core."""
    wrong = []
    for path in (root / "qa" / "checks").rglob("*.py"):
        for name in imported_names(path):
            top = name.split(".")[0]
            if top == "qa" and layer_of(name) in ("qa", "qa.checks"):
                continue
            if top != "qa" and (top in PURE_ALLOWED or name.rsplit(".", 1)[0] in PURE_ALLOWED):
                continue
            wrong.append(f"{module_name(path, root)} -> {name}")
    return sorted(wrong)


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


def test_qa_follows_its_layers_and_the_core_imports_no_sub_package():
    assert not layer_violations(import_graph())
    assert {p.name for p in (ROOT / "qa").iterdir() if (p / "__init__.py").exists()} == {
        name.split(".")[1] for name in LAYERS}


def test_the_checks_are_pure():
    assert not impure_imports(ROOT)


@pytest.mark.parametrize(("module", "line", "caught"), [
    ("qa/checks/cite.py", "import sqlite3", "qa.checks.cite -> sqlite3"),
    ("qa/checks/cite.py", "from qa.answering.llm import complete", "qa.checks.cite -> qa.answering.llm"),
    ("qa/checks/contradict.py", "from qa.index.store import Store", "qa.checks.contradict -> qa.index.store"),
    ("qa/text.py", "from qa.retrieval import retrieve", "qa.text -> qa.retrieval.retrieve"),
    ("qa/index/lexical.py", "from qa.checks.cite import cite_passages", "qa.index.lexical -> qa.checks.cite"),
])
def test_a_planted_violation_is_caught(tmp_path, module, line, caught):
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    planted = tmp_path / module
    planted.write_text(planted.read_text(encoding="utf-8") + f"\n\ndef _planted():\n    {line}\n", "utf-8")
    assert not layer_violations(build_graph(ROOT)) and not impure_imports(ROOT)
    assert caught in layer_violations(build_graph(tmp_path)) + impure_imports(tmp_path)


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


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 350, 40  # qa/ stays small enough to read a module at a sitting


def oversized(root: Path) -> list[str]:
    """Modules of root/qa over MAX_MODULE_LINES and functions over MAX_FUNCTION_LINES (decorators aside)."""
    found = []
    for path in sorted((root / "qa").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(root))
        if (lines := text.count("\n")) > MAX_MODULE_LINES:
            found.append(f"{name}: {lines} lines")
        found += [f"{name}:{n.lineno} {n.name}(): {n.end_lineno - n.lineno + 1} lines"
                  for n in ast.walk(ast.parse(text))
                  if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    return found


def test_no_module_over_350_lines_and_no_function_over_40_in_qa():
    assert not oversized(ROOT)


def test_an_oversized_module_or_function_is_caught(tmp_path):
    (tmp_path / "qa").mkdir()
    (tmp_path / "qa" / "long.py").write_text("x = 1\n" * 351, encoding="utf-8")
    body = "".join(f"    y{i} = {i}\n" for i in range(40))
    (tmp_path / "qa" / "wide.py").write_text(f"def f():\n{body}", encoding="utf-8")
    assert oversized(tmp_path) == ["qa/long.py: 351 lines", "qa/wide.py:1 f(): 41 lines"]
