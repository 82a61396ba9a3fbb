"""Settings: one object, from command-line flags over `SESAME_*` environment variables.

The data dir holds everything a one-machine install needs: the SQLite database, the JWT signing
secret (generated on first start unless `SESAME_JWT_SECRET` is set) and, later, local files and
the master key.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["debug", "info", "warning", "error"]


class Settings(BaseSettings):
    """Everything server_core reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="SESAME_", extra="ignore")

    data_dir: Path = Field(default=Path(".sesame"), description="Where local state lives")
    database_url: str | None = Field(
        default=None, description="postgresql://… for PostgreSQL; default SQLite in data_dir"
    )
    redis_url: str | None = Field(default=None, description="redis://… to fan events out")
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    jwt_secret: SecretStr | None = None
    master_key: SecretStr | None = Field(
        default=None,
        description="Master key(s) for encryption at rest: base64 of 32 bytes, or "
        "'id:base64,id:base64' with the current key first; default: a key file in data_dir",
    )
    open_registration: bool = False
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    log_level: LogLevel = "info"
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token /metrics asks for; without one it answers loopback clients only",
    )
    access_token_ttl_seconds: int = Field(default=900, ge=30)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    auto_archive_interval_seconds: float = Field(default=60.0, gt=0)
    heartbeat_interval_ms: int = Field(default=30_000, ge=1000)
    ws_auth_timeout_seconds: float = Field(default=10.0, gt=0)
    # Failed credentials: past these counts within the window, 429 until the window ends.
    login_failures_per_account: int = Field(default=10, ge=1)
    login_failures_per_client: int = Field(default=50, ge=1)
    auth_failures_per_client: int = Field(default=100, ge=1)
    failure_window_seconds: float = Field(default=300.0, gt=0)
    # Webhooks: private / loopback targets are refused unless allowed (a receiver on the same
    # network); an attempt succeeds on a 2xx within the timeout; retries wait these delays.
    webhooks_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=30.0, gt=0)
    webhook_retry_delays_seconds: list[float] = Field(
        default_factory=lambda: [0.0, 10.0, 60.0, 300.0]
    )
    webhook_concurrency: int = Field(default=32, ge=1)
    webhook_poll_interval_seconds: float = Field(default=1.0, gt=0)
    # The schedule's notifier looks for due events this often (and sleeps less when one is
    # due sooner).
    schedule_poll_interval_seconds: float = Field(default=1.0, gt=0)
    # Work streams keep this many of their newest output events; older ones are dropped.
    work_stream_event_retention: int = Field(default=5_000, ge=1)
    # Task timers: the worker looks for due timers this often (sooner when one is due).
    timer_poll_interval_seconds: float = Field(default=1.0, gt=0)
    # The inbound receiver (wake subscriptions): the largest delivery it reads, and the origin
    # its URLs are given with (default: http://host:port of this server).
    inbound_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    inbound_public_url: str | None = Field(
        default=None,
        description="The origin inbound URLs point at (e.g. https://sesame.example.com)",
    )
    push_vapid_subject: str = Field(
        default="mailto:admin@localhost",
        description="VAPID `sub` claim: a mailto: or https: contact for push services",
    )
    push_allow_insecure_endpoints: bool = Field(
        default=False,
        description="Accept http and loopback/private push endpoints (tests, local setups)",
    )

    # Library git mirrors: local remotes (file:// URLs and paths on this server's disk) are
    # refused unless allowed (tests, single-user setups); network operations end after this.
    git_mirror_allow_local: bool = Field(
        default=False, description="Accept file:// and local path remotes for library git mirrors"
    )
    git_mirror_timeout_seconds: float = Field(default=60.0, gt=0)

    # The drive: signed upload and download links served by this server under /blobs.
    drive_max_file_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1, description="Largest file the drive accepts"
    )
    drive_workspace_quota_bytes: int | None = Field(
        default=None, ge=1, description="Bytes a workspace's drive may hold (none: no limit)"
    )
    drive_link_ttl_seconds: int = Field(
        default=900, ge=10, description="How long a signed upload or download link works"
    )
    drive_orphan_after_seconds: int = Field(
        default=24 * 3600, ge=60, description="Uploads never registered are removed after this"
    )
    drive_orphan_sweep_seconds: float = Field(default=3600.0, gt=0)
    sessions_expire_after_seconds: int = Field(
        default=300, ge=10, description="IDE and MCP sessions with no activity expire after this"
    )
    chat_sessions_expire_after_seconds: int = Field(
        default=24 * 3600, ge=60, description="Other sessions with no activity expire after this"
    )
    sessions_sweep_seconds: float = Field(default=15.0, gt=0)
    drive_public_url: str | None = Field(
        default=None,
        description="The origin signed links point at (e.g. https://files.example.com); "
        "default: http://host:port of this server",
    )
    # Where blob bytes live: files under <data dir>/blobs, or an S3-compatible bucket (needs
    # the `s3` extra). Credentials come from the standard AWS_* environment variables (or the
    # instance / container role); these name the bucket and where it is.
    blob_store: Literal["local", "s3"] = Field(
        default="local", description="'local' (files in data_dir/blobs) or 's3'"
    )
    s3_bucket: str | None = Field(default=None, description="The bucket (required for 's3')")
    s3_prefix: str = Field(default="", description="A key prefix inside the bucket")
    s3_endpoint_url: str | None = Field(
        default=None,
        description="An S3-compatible endpoint (MinIO, R2, …); default: AWS for the region",
    )
    s3_region: str | None = Field(default=None, description="Default: AWS_REGION, else us-east-1")
    s3_allow_http: bool = Field(
        default=False, description="Accept a plain http:// endpoint (local test servers)"
    )
    # The vault: attachments are sealed and kept in the blob store.
    vault_attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1, description="Largest vault item attachment accepted"
    )

    # Voice: audio and video attachments transcribed by a pluggable engine (none by default).
    voice_engine: Literal["none", "pocketsphinx", "openai"] = Field(
        default="none",
        description="Transcriber: pocketsphinx (offline, English; the `voice` extra), an "
        "OpenAI-compatible endpoint, or none",
    )
    voice_api_url: str = Field(
        default="https://api.openai.com/v1",
        description="Base URL of the OpenAI-compatible API (…/audio/transcriptions is posted to)",
    )
    voice_api_key: SecretStr | None = None
    voice_model: str = Field(default="whisper-1", description="Model the endpoint is asked for")
    voice_timeout_seconds: float = Field(default=120.0, gt=0)
    voice_max_bytes: int = Field(
        default=25 * 1024 * 1024, ge=1, description="Largest audio or video file transcribed"
    )
    voice_max_seconds: float = Field(
        default=600.0, gt=0, description="Longest recording transcribed (when it can be told)"
    )
    voice_max_attempts: int = Field(default=3, ge=1, description="Tries per voice message")
    voice_sweep_seconds: float = Field(
        default=30.0, gt=0, description="How often waiting voice messages are looked for"
    )

    # Semantic search of the library: pages embedded by an OpenAI-compatible endpoint (none by
    # default, and then `useVector` answers 400).
    embedding_engine: Literal["none", "openai"] = Field(
        default="none",
        description="Embedder of library pages: an OpenAI-compatible endpoint, or none",
    )
    embedding_api_url: str = Field(
        default="https://api.openai.com/v1",
        description="Base URL of the OpenAI-compatible API (…/embeddings is posted to)",
    )
    embedding_api_key: SecretStr | None = None
    embedding_model: str = Field(
        default="text-embedding-3-small", description="Model the endpoint is asked for"
    )
    embedding_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Timeout of one embeddings request (a query's or a batch's)"
    )
    embedding_sweep_seconds: float = Field(
        default=30.0, gt=0, description="How often pages without a current embedding are looked for"
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _blob_store_complete(self) -> Settings:
        """An S3 blob store names its bucket and has its client installed: found at start,
        not at the first upload."""
        if self.blob_store == "s3":
            if not self.s3_bucket:
                raise ValueError("SESAME_BLOB_STORE=s3 needs SESAME_S3_BUCKET")
            if importlib.util.find_spec("obstore") is None:
                raise ValueError("SESAME_BLOB_STORE=s3 needs: pip install 'sesame-mcp[s3]'")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The SQLAlchemy URL of the configured database."""
        return to_engine_url(self.database_url or f"sqlite:///{self.data_dir / 'sesame.db'}")

    @property
    def public_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.data_dir

    def signing_secret(self) -> bytes:
        """The JWT secret: from settings, else a file in the data dir created on first use."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value().encode()
        return read_or_create_secret(self.ensure_data_dir() / "jwt-secret")


def to_engine_url(url: str) -> str:
    """Accept `postgres://` as people write it (the store picks the drivers: asyncpg for
    PostgreSQL, the standard library for SQLite)."""
    return "postgresql://" + url[len("postgres://") :] if url.startswith("postgres://") else url


def _random_secret() -> bytes:
    return secrets.token_urlsafe(48).encode()


def read_or_create_secret(path: Path, make: Callable[[], bytes] = _random_secret) -> bytes:
    """Read a secret file, or create it (from `make`) with mode 0600. Two processes racing on
    first start agree on one value: the file appears atomically (link of a finished temp file)
    or not at all.
    """
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(make())
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return path.read_bytes().strip()
