"""`sesame-server`: serve, migrate, workspace create, agent create, healthcheck."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx2
import sqlalchemy as sa
import uvicorn
from pydantic import ValidationError
from sqlalchemy.engine import RowMapping

from server_core.app import VERSION, create_app
from server_core.config import Settings
from server_core.features.agents.schemas import ProvisionAgentRequest
from server_core.features.agents.service import do_create_api_key, do_insert_agent
from server_core.features.auth.schemas import RegisterRequest
from server_core.features.vault import envelope as vault_envelope
from server_core.features.workspaces import service as workspaces
from server_core.gateway.uvicorn_ws import UVICORN_OPTIONS
from server_core.kernel.errors import ApiError
from server_core.kernel.keyring import Keyring, KeyringError
from server_core.kernel.logs import configure_logging
from server_core.kernel.platform import open_platform
from server_core.kernel.principals import handle_from_email, principal_from_row
from server_core.kernel.store import Tx

F = TypeVar("F", bound=Callable[..., Any])
ADMIN_FILE = "admin.json"


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


def admin_account(
    email: str, password: str, handle: str | None = None, name: str | None = None
) -> workspaces.NewHuman:
    """An admin held to the same rules as `POST /auth/register`, so it can log in."""
    request = RegisterRequest.model_validate(
        {
            "email": email,
            "password": password,
            "handle": handle or handle_from_email(email),
            "displayName": name or "Admin",
        }
    )
    return workspaces.NewHuman(
        request.email, request.password, request.handle, request.display_name
    )


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
    login = asyncio.run(prepare_admin(settings, admin_email, admin_password))
    _print_banner(settings, login)
    # uvicorn's default loop and http ("auto") pick uvloop and httptools, which are
    # dependencies: both cut the per-request cost of the event loop and of HTTP parsing.
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=False,
        lifespan="on",
        **UVICORN_OPTIONS,
    )
    uvicorn.Server(config).run()


async def prepare_admin(
    settings: Settings, admin_email: str | None, admin_password: str | None
) -> dict[str, str] | None:
    """Migrate; create the first workspace and admin when asked; say how to log in."""
    admin = None
    if admin_email is not None:
        admin = admin_account(admin_email, admin_password or secrets.token_urlsafe(12))
    async with open_platform(settings) as platform, platform.store.transaction() as tx:
        has_workspace = await workspaces.any_workspace(tx) is not None
        if admin is None:
            return None
        saved = settings.data_dir / ADMIN_FILE
        if has_workspace:
            if saved.exists():
                # The file names the admin it holds the password of.
                email = json.loads(saved.read_text()).get("email", admin.email)
                return {"email": email, "passwordFile": str(saved)}
            return {"email": admin.email}
        await workspaces.do_bootstrap(tx, platform.keyring, "Local workspace", admin)
        login = {"email": admin.email, "password": admin.password}
        if admin_password is None:
            write_private(saved, login)
            return {**login, "passwordFile": str(saved)}
        return login


def write_private(path: Path, document: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)


def _storage_description(url: str) -> str:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"{parsed.database} (SQLite)"
    return f"PostgreSQL {parsed.render_as_string(hide_password=True)}"


def _print_banner(settings: Settings, login: dict[str, str] | None) -> None:
    url = settings.public_url
    lines = [
        f"Sesame server on {url}  (API {url}/api/v1, docs {url}/docs, health {url}/healthz)",
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
    admin = admin_account(admin_email, admin_password, admin_handle, admin_name)
    settings = settings_from(**flags)

    async def run() -> dict[str, Any]:
        async with open_platform(settings) as platform, platform.store.transaction() as tx:
            ws, admin_row = await workspaces.do_create_workspace_with_admin(
                tx, platform.keyring, name, admin
            )
            return {
                "workspaceId": ws["id"],
                "adminId": admin_row["id"],
                "workspace": workspaces.Workspace.model_validate(dict(ws)).model_dump(mode="json"),
                "admin": principal_from_row(admin_row).model_dump(mode="json"),
            }

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

    async def run() -> dict[str, Any]:
        async with open_platform(settings) as platform, platform.store.transaction() as tx:
            ws = await _resolve_workspace(tx, workspace_ref)
            owner = await workspaces.first_admin_id(tx, ws["id"])
            row = await do_insert_agent(
                tx,
                ws["id"],
                request,
                owner_id=owner,
                kind="service" if kind == "service" else "agent",
            )
            key = await do_create_api_key(tx, None, row, label)
            return {
                "id": row["id"],
                "handle": row["handle"],
                "kind": row["kind"],
                "workspaceId": ws["id"],
                "apiKey": key.key,
                "apiKeyId": key.id,
                "keyPrefix": key.key_prefix,
            }

    result = asyncio.run(run())
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(f"agent {result['id']} (@{result['handle']})\nAPI key: {result['apiKey']}")


async def _resolve_workspace(tx: Tx, reference: str | None) -> RowMapping:
    if reference is not None:
        row = await workspaces.find_workspace(tx, reference)
        if row is None:
            raise click.ClickException(f"no single workspace matches '{reference}'")
        return row
    rows = await workspaces.some_workspaces(tx, 2)
    if len(rows) != 1:
        raise click.ClickException(
            "pass --workspace (id or name)" if rows else "no workspace yet: create one first"
        )
    return rows[0]


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
