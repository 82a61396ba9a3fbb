"""`sesame-mcp`: the MCP server over a Sesame platform."""

from __future__ import annotations

import click

from server_core.app import VERSION


@click.command()
@click.version_option(VERSION)
def main() -> None:
    """Serve Sesame to MCP hosts (stdio, SSE, streamable HTTP)."""
    raise click.ClickException(
        "the MCP server is not part of this build yet; run `sesame-server serve` for the platform"
    )
