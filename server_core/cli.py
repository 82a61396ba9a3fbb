"""`sesame-server`: serve, migrate, workspace create, agent create, healthcheck."""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx2
import sqlalchemy as sa
import uvicorn
from pydantic import ValidationError

from server_core import bootstrap
from server_core.app import VERSION, create_app
from server_core.config import Settings
from server_core.features.agents.schemas import ProvisionAgentRequest
from server_core.features.vault import envelope as vault_envelope
from server_core.gateway.uvicorn_ws import UVICORN_OPTIONS
from server_core.kernel.errors import ApiError
from server_core.kernel.keyring import Keyring, KeyringError
from server_core.kernel.logs import configure_logging
from server_core.kernel.platform import open_platform

F = TypeVar("F", bound=Callable[..., Any])


def settings_from(**flags: Any) -> Settings:
    """Flags that were given override the environment."""
    return Settings(**{name: value for name, value in flags.items() if value is not None})


def storage_options(command: F) -> F:
    for option in reversed(
        [
            click.option("--data-dir", type=click.Path(path_type=Path), help="Local state dir"),
            click.option("--database-url", help="postgresql://… (default: SQLite in data dir)"),
            click.option("--redis-url", help="redis://… to share events between nodes"),
        ]
    ):
        command = option(command)
    return command


def fail_on_api_errors(command: F) -> F:
    """Report refused input as one `Error:` line, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ApiError as error:
            raise click.ClickException(f"{error.message} ({error.code})") from error
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                for problem in error.errors()
            )
            raise click.ClickException(problems) from error

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(VERSION)
def main() -> None:
    """Sesame platform server."""


@main.command()
@storage_options
@click.option("--host", help="Interface to bind (default 127.0.0.1)")
@click.option("--port", type=int, help="Port (default 8080)")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--open-registration/--closed-registration", default=None)
@click.option(
    "--admin-email",
    help="On a server without a workspace, create one with this admin before serving",
)
@click.option("--admin-password", help="Password for --admin-email (default: generated)")
@fail_on_api_errors
def serve(admin_email: str | None, admin_password: str | None, **flags: Any) -> None:
    """Run the API and gateway (migrations are applied first)."""
    settings = settings_from(**flags)
    configure_logging(settings.log_level)
    login = asyncio.run(bootstrap.prepare_admin(settings, admin_email, admin_password))
    _print_banner(settings, login)
    # uvicorn's default loop and http ("auto") pick uvloop and httptools, which are
    # dependencies: both cut the per-request cost of the event loop and of HTTP parsing.
    app = create_app(settings)
    # What startup made (modules, wire models, routes) lives as long as the process: frozen out
    # of the collector's full passes, which would otherwise walk it all and stall every request
    # in flight for tens of milliseconds each time.
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=False,
        lifespan="on",
        **UVICORN_OPTIONS,
    )
    uvicorn.Server(config).run()


def _storage_description(url: str) -> str:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"{parsed.database} (SQLite)"
    return f"PostgreSQL {parsed.render_as_string(hide_password=True)}"


def _print_banner(settings: Settings, login: dict[str, str] | None) -> None:
    url = settings.public_url
    lines = [
        f"Sesame server on {url}  (console {url}/, API {url}/api/v1, docs {url}/docs, "
        f"health {url}/healthz)",
        f"Storage: {_storage_description(settings.sqlalchemy_url)}",
    ]
    if login is None:
        example = {"email": "you@example.com", "password": "<8+ chars>", "handle": "you"}
        lines.append(
            "First time? Register the admin (only the first registration is open):\n"
            f"  curl -s -X POST {url}/api/v1/auth/register -H 'content-type: application/json' "
            f"-d '{json.dumps({**example, 'displayName': 'You'})}'"
        )
    else:
        password = login.get("password")
        where = login.get("passwordFile")
        secret = password or (f"<password in {where}>" if where else "<your password>")
        lines.append(f"Admin: {login['email']}  password: {secret}")
        lines.append(
            f"Log in:\n  curl -s -X POST {url}/api/v1/auth/login -H 'content-type: "
            f"""application/json' -d '{{"email":"{login["email"]}","password":"{secret}"}}'"""
        )
    click.echo("\n".join(lines), err=True)


@main.command()
@storage_options
def migrate(**flags: Any) -> None:
    """Apply database migrations and exit."""
    settings = settings_from(**flags)

    async def run() -> None:
        async with open_platform(settings):
            pass

    asyncio.run(run())
    click.echo("migrations applied")


@main.group()
def workspace() -> None:
    """Manage workspaces."""


@workspace.command("create")
@storage_options
@click.option("--name", required=True)
@click.option("--admin-email", required=True)
@click.option("--admin-password", required=True)
@click.option("--admin-handle", help="Default: from the email")
@click.option("--admin-name", help="Admin display name (default: Admin)")
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@fail_on_api_errors
def workspace_create(
    name: str,
    admin_email: str,
    admin_password: str,
    admin_handle: str | None,
    admin_name: str | None,
    as_json: bool,
    **flags: Any,
) -> None:
    """Create a workspace and its first admin (works while the server runs)."""
    admin = bootstrap.admin_account(admin_email, admin_password, admin_handle, admin_name)
    settings = settings_from(**flags)

    async def run() -> dict[str, Any]:
        async with open_platform(settings) as platform:
            return await bootstrap.create_workspace(platform, name, admin)

    result = asyncio.run(run())
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(f"workspace {result['workspace']['id']} ({name}); admin {admin_email}")


@main.group()
def keys() -> None:
    """Manage the master keys that encrypt data at rest."""


@keys.command("rotate")
@storage_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
def keys_rotate(as_json: bool, **flags: Any) -> None:
    """Add a new master key and rewrap every data key (message data keys and the key of
    every vault field) under it (works while servers run).

    With a key file (the default) the new key is generated into it; old keys stay in the file.
    With SESAME_MASTER_KEY, list the new key first (`new:…,old:…`) on every node, then run this
    to rewrap the data keys under it."""
    settings = settings_from(**flags)

    async def run() -> dict[str, Any]:
        async with open_platform(settings) as platform:
            keyring = platform.keyring
            if keyring.masters.path is not None:
                keyring = Keyring(keyring.masters.with_new_key())
            rewrapped = await platform.store.run_sync(keyring.rewrap_all)
            vault_fields = await platform.store.run_sync(
                lambda conn: vault_envelope.rewrap_all(conn, keyring)
            )
            return {
                "currentKeyId": keyring.masters.current_id,
                "rewrappedDataKeys": rewrapped,
                "rewrappedVaultFieldKeys": vault_fields,
                "keyFile": str(keyring.masters.path) if keyring.masters.path else None,
            }

    try:
        result = asyncio.run(run())
    except KeyringError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(
            f"current master key {result['currentKeyId']}; "
            f"rewrapped {result['rewrappedDataKeys']} data key(s) and "
            f"{result['rewrappedVaultFieldKeys']} vault field key(s)"
        )


@main.group()
def agent() -> None:
    """Manage agents."""


@agent.command("create")
@storage_options
@click.option("--workspace", "workspace_ref", help="Workspace id or name (default: the only one)")
@click.option("--handle", required=True)
@click.option("--display-name")
@click.option("--public-key", help="Ed25519 public key, base64url SPKI DER")
@click.option("--kind", type=click.Choice(["agent", "service"]), default="agent")
@click.option("--label", default="cli", help="Label of the API key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@fail_on_api_errors
def agent_create(
    workspace_ref: str | None,
    handle: str,
    display_name: str | None,
    public_key: str | None,
    kind: str,
    label: str,
    as_json: bool,
    **flags: Any,
) -> None:
    """Provision an agent and print its id and a new API key."""
    request = ProvisionAgentRequest.model_validate(
        {"handle": handle, "displayName": display_name, "publicKey": public_key}
    )
    settings = settings_from(**flags)

    async def run() -> bootstrap.IssuedAgent:
        async with open_platform(settings) as platform:
            try:
                return await bootstrap.issue_agent(
                    platform,
                    request,
                    workspace=workspace_ref,
                    kind="service" if kind == "service" else "agent",
                    label=label,
                )
            except bootstrap.BootstrapError as error:
                raise click.ClickException(str(error)) from error

    issued = asyncio.run(run())
    result = {
        "id": issued.id,
        "handle": issued.handle,
        "kind": issued.kind,
        "workspaceId": issued.workspace_id,
        "apiKey": issued.api_key,
        "apiKeyId": issued.api_key_id,
        "keyPrefix": issued.key_prefix,
    }
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(f"agent {result['id']} (@{result['handle']})\nAPI key: {result['apiKey']}")


@main.command()
@click.option("--url", help="Server base URL (default from --host/--port)")
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, default=8080)
@click.option("--timeout", type=float, default=5.0)
def healthcheck(url: str | None, host: str, port: int, timeout: float) -> None:
    """Exit 0 when the server and its database answer."""
    target = (url or f"http://{host}:{port}").rstrip("/") + "/healthz"
    try:
        response = httpx2.get(target, timeout=timeout)
    except httpx2.HTTPError as error:
        click.echo(f"unhealthy: {target}: {error}", err=True)
        sys.exit(1)
    if response.status_code != 200:
        click.echo(f"unhealthy: {target}: HTTP {response.status_code} {response.text}", err=True)
        sys.exit(1)
    click.echo(f"healthy: {target}")
