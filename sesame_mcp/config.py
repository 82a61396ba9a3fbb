"""The MCP server's settings: one object, from command-line flags over environment variables.

The platform connection uses the same variables as every Sesame client (`SESAME_API_URL`,
`SESAME_WS_URL`, `SESAME_API_KEY`, or `SESAME_AGENT_HANDLE` + `SESAME_PRIVATE_KEY`); the MCP
server's own settings are `SESAME_MCP_*`. The embedded platform shares `SESAME_DATA_DIR` with
`sesame-server`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Transport = Literal["stdio", "sse", "streamable-http"]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_HTTP_PORT = 8765  # the port `./scripts/serve` and the host configs in configs/ use


def _env(name: str, field: str) -> Any:
    """Accept the field's own name (flags) and its environment variable."""
    return AliasChoices(field, name)


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class McpSettings(BaseSettings):
    """Everything `sesame-mcp` reads from its flags and environment."""

    model_config = SettingsConfigDict(env_prefix="SESAME_", extra="ignore", populate_by_name=True)

    # The platform, and who the server acts as there.
    api_url: str | None = Field(default=None, description="The Sesame API base URL")
    ws_url: str | None = Field(default=None, description="The gateway URL (default: from api_url)")
    api_key: SecretStr | None = None
    agent_handle: str | None = None
    private_key: SecretStr | None = None

    # Embedded mode: server_core in this process, over a local data dir.
    embedded: bool = Field(default=False, validation_alias=_env("SESAME_MCP_EMBEDDED", "embedded"))
    data_dir: Path = Path(".sesame")
    admin_email: str = Field(default="admin@localhost", description="The embedded admin")
    platform_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        validation_alias=_env("SESAME_MCP_PLATFORM_PORT", "platform_port"),
    )

    # What MCP hosts see.
    transport: Transport = Field(
        default="stdio", validation_alias=_env("SESAME_MCP_TRANSPORT", "transport")
    )
    host: str = Field(default="127.0.0.1", validation_alias=_env("SESAME_MCP_HOST", "host"))
    port: int = Field(
        default=DEFAULT_HTTP_PORT, ge=0, le=65535, validation_alias=_env("SESAME_MCP_PORT", "port")
    )
    toolsets: Annotated[list[str] | None, NoDecode] = Field(
        default=None, validation_alias=_env("SESAME_MCP_TOOLSETS", "toolsets")
    )
    read_only: bool = Field(
        default=False, validation_alias=_env("SESAME_MCP_READ_ONLY", "read_only")
    )
    # Events pushed into the host's session (Claude Code channels); see host_push.py.
    push_events: bool = Field(
        default=True, validation_alias=_env("SESAME_MCP_PUSH_EVENTS", "push_events")
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SESAME_MCP_ALLOWED_HOSTS", "allowed_hosts")
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_env("SESAME_MCP_ALLOWED_ORIGINS", "allowed_origins"),
    )
    auth_token: SecretStr | None = Field(
        default=None, validation_alias=_env("SESAME_MCP_AUTH_TOKEN", "auth_token")
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="warning", validation_alias=_env("SESAME_MCP_LOG_LEVEL", "log_level")
    )

    @field_validator("toolsets", "allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_auth_token(self) -> McpSettings:
        token = self.auth_token.get_secret_value() if self.auth_token else None
        if token is not None and len(token) < 16:
            raise ValueError("auth_token: use at least 16 characters")
        return self

    @property
    def is_http(self) -> bool:
        return self.transport != "stdio"

    @property
    def beyond_loopback(self) -> bool:
        """Bound where other machines can reach it: a bearer token is required."""
        return self.host not in LOOPBACK_HOSTS

    def credentials(self) -> dict[str, Any]:
        """`SesameClient` keyword arguments for the configured credential.

        Raises ValueError naming what is missing or conflicting."""
        key = self.api_key.get_secret_value() if self.api_key else None
        private = self.private_key.get_secret_value() if self.private_key else None
        if key and (self.agent_handle or private):
            raise ValueError(
                "give one credential: --api-key (SESAME_API_KEY) or --agent-handle + "
                "--private-key (SESAME_AGENT_HANDLE + SESAME_PRIVATE_KEY), not both"
            )
        if key:
            return {"api_key": key}
        if self.agent_handle and private:
            return {"agent_handle": self.agent_handle, "private_key": private}
        if self.agent_handle or private:
            missing = (
                "--private-key (SESAME_PRIVATE_KEY)" if self.agent_handle else "--agent-handle"
            )
            raise ValueError(f"a signed credential needs both handle and key: missing {missing}")
        raise ValueError(
            "no platform credential: set SESAME_API_KEY (or --api-key), or SESAME_AGENT_HANDLE + "
            "SESAME_PRIVATE_KEY; or run `sesame-mcp --embedded` for a local platform"
        )
