"""Settings: defaults, environment, and the documentation in .env.example kept in step."""

import re

import pytest
from pydantic import ValidationError

from qa.config import Settings, get_settings
from tests.conftest import ROOT


def env_names() -> set[str]:
    """The environment variable each Settings field is read from (alias first, else NEWSQA_<NAME>)."""
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias.choices[0] if alias is not None else f"NEWSQA_{name.upper()}")
    return names


def test_env_example_documents_every_setting_and_nothing_else():
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    assert documented == env_names()


def test_env_example_defaults_parse_as_settings():
    text = (ROOT / ".env.example").read_text()
    values = dict(re.findall(r"^# ?(NEWSQA_[A-Z0-9_]+)=(.+)$", text, flags=re.M))
    fields = {k.removeprefix("NEWSQA_").lower(): v for k, v in values.items()}
    settings = Settings(_env_file=None, **fields)
    assert settings.collection == Settings(_env_file=None).collection


def test_environment_and_dotenv_are_read_at_call_time(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("NEWSQA_COLLECTION=from_dotenv\nNEWSQA_TOP_K=9\n")
    monkeypatch.setenv("NEWSQA_TOP_K", "4")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    settings = get_settings()
    assert settings.collection == "from_dotenv"
    assert settings.top_k == 4  # the environment wins over .env
    assert settings.llm_enabled


def test_defaults_are_offline():
    settings = Settings(_env_file=None)
    assert settings.embedding_provider == "local"
    assert not settings.llm_enabled
    assert settings.web_host == "127.0.0.1"


def test_invalid_value_is_rejected_with_the_field_name():
    with pytest.raises(ValidationError, match="embedding_provider"):
        Settings(_env_file=None, embedding_provider="nope")


def test_secrets_are_not_shown_in_repr(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    assert "sk-very-secret" not in repr(get_settings())


def test_invalid_environment_value_is_one_readable_line_from_the_cli(monkeypatch):
    from click.testing import CliRunner

    from ui.cli.main import cli

    monkeypatch.setenv("NEWSQA_TOP_K", "many")
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: Invalid setting: NEWSQA_TOP_K=many:")
