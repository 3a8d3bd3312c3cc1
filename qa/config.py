"""Settings: the only place the environment (and `.env`) is read.

Build them at start-up with `get_settings()`; tests build `Settings(data_dir=tmp_path, ...)` directly.
Every field is documented in `.env.example` (a test keeps the two in step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.errors import ConfigError
from qa.types import DEFAULT_K


class Settings(BaseSettings):
    """All newsqa settings. Env names are `NEWSQA_<FIELD>` unless an alias says otherwise."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSQA_", env_file=".env", env_file_encoding="utf-8", extra="ignore",
        populate_by_name=True,
    )

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Path(".newsqa")
    collection: str = "news"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False

    # --- embeddings ----------------------------------------------------------------------
    embedding_provider: Literal["local", "openai"] = "local"
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_threads: int = 0  # 0 = onnxruntime decides
    embedding_batch_size: int = 16  # measured: 16 is fastest for 128-token chunks on 2 cores

    # --- ingestion -----------------------------------------------------------------------
    chunk_tokens: int = 128
    chunk_overlap: int = 1  # sentences repeated from the previous chunk
    max_file_mb: float = 20.0
    fetch_timeout: float = 20.0
    fetch_allow: str = ""  # CIDRs or host names that URL fetches may reach although internal

    # --- retrieval and answering ---------------------------------------------------------
    top_k: int = DEFAULT_K
    max_chunks_per_article: int = 3
    retrieval_candidates: int = 30  # chunks each retriever (dense, lexical) offers to the fusion
    rrf_k: int = 15  # reciprocal rank fusion: weight / (rrf_k + rank); chosen by bench/retrieval.py
    dense_weight: float = 0.95
    lexical_weight: float = 1.0
    cue_weight: float = 1.0  # each ranking searched under an outlet/date/"latest" the question names
    preferred_outlets: str = ""  # comma-separated: their copy of a syndicated story is cited first
    fallback_extractive: bool = False

    # --- OpenAI-compatible endpoint (chat and, optionally, embeddings) -------------------
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "NEWSQA_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "NEWSQA_OPENAI_BASE_URL")
    )
    llm_model: str = "gpt-4o-mini"
    llm_temperature: float = 0.0
    llm_timeout: float = 60.0
    llm_max_retries: int = 1
    llm_max_tokens: int = 512  # the longest answer the model may write
    llm_deadline: float = 120.0  # seconds for a whole answer, however slowly it streams
    llm_context: int = 8192  # the model's context window in tokens: the prompt is trimmed to fit
    judge_model: str = ""  # `newsqa eval`: grade assertions with this model ("" = offline keyword check)

    # --- web chat ------------------------------------------------------------------------
    web_host: str = "127.0.0.1"
    web_port: int = 7860
    web_auth: SecretStr | None = None  # "user:password[,user2:password2]"
    web_concurrency: int = 4
    web_editors: str = ""  # comma-separated logins (of NEWSQA_WEB_AUTH) that may add/remove articles

    # --- Slack bot -----------------------------------------------------------------------
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "NEWSQA_SLACK_BOT_TOKEN")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "NEWSQA_SLACK_APP_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "NEWSQA_SLACK_SIGNING_SECRET"),
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "NEWSQA_SLACK_API_URL"),
    )
    slack_channels: str = ""  # comma-separated allowlist of channel ids; empty = all
    slack_ephemeral: bool = False  # answer /ask privately

    @property
    def llm_enabled(self) -> bool:
        """True when an OpenAI-compatible chat endpoint is configured."""
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def preferred(self) -> tuple[str, ...]:
        """NEWSQA_PREFERRED_OUTLETS as names: "AP, Reuters" -> ("AP", "Reuters")."""
        return tuple(name.strip() for name in self.preferred_outlets.split(",") if name.strip())

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"


def get_settings(**overrides) -> Settings:
    """Read settings from the environment and `.env` (call at start-up, not at import).

    An invalid value raises ConfigError naming the variable, e.g.
    "NEWSQA_TOP_K=many: Input should be a valid integer".
    """
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(_describe(err) for err in exc.errors())
        raise ConfigError(f"Invalid setting: {problems}. See .env.example for every setting.") from None


def _describe(err: dict) -> str:
    field = str(err["loc"][0]) if err.get("loc") else "?"
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    name = alias.choices[0] if alias is not None else f"NEWSQA_{field.upper()}"
    return f"{name}={err.get('input')!s}: {err['msg']}"
