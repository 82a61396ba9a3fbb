"""`sesame-mcp` as a real process: started with a clean environment, its stderr read until the
banner names the MCP URL, stopped with SIGTERM."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from anyio.abc import Process

BIN = Path(sys.executable).parent / "sesame-mcp"
STARTUP = 60  # seconds: a first start migrates a fresh database on a busy machine
BANNER = re.compile(r"Sesame MCP server over [\w-]+: (\S+)")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any SESAME_* variable of the developer's, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SESAME_")}
    return {**env, **extra}


@dataclass
class Running:
    process: Process
    url: str
    stderr: list[str] = field(default_factory=list)


async def _read_lines(process: Process, lines: list[str], found: anyio.Event) -> None:
    assert process.stderr is not None
    buffer = b""
    async for chunk in process.stderr:
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        for line in complete:
            lines.append(line.decode(errors="replace"))
            if BANNER.search(lines[-1]):
                found.set()
    found.set()  # the stream ended: the process is gone


@contextlib.asynccontextmanager
async def sesame_mcp(
    *args: str, env: dict[str, str] | None = None, stdin: int = subprocess.DEVNULL
) -> AsyncIterator[Running]:
    """`sesame-mcp ARGS` until the block ends; yields once its banner names the URL (or
    `stdin/stdout`)."""
    process = await anyio.open_process(
        [str(BIN), *args], env=env or clean_env(), stdin=stdin, stdout=subprocess.DEVNULL
    )
    lines: list[str] = []
    async with process, anyio.create_task_group() as group:
        found = anyio.Event()
        group.start_soon(_read_lines, process, lines, found)
        try:
            with anyio.fail_after(STARTUP):
                await found.wait()
            match = next((m for line in lines if (m := BANNER.search(line))), None)
            assert match is not None, "sesame-mcp did not start:\n" + "\n".join(lines)
            yield Running(process, match.group(1), lines)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            with anyio.fail_after(30):
                await process.wait()


async def run_to_end(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `sesame-mcp ARGS` to its end: exit status and stderr."""
    with anyio.fail_after(STARTUP):
        result = await anyio.run_process(
            [str(BIN), *args], env=env or clean_env(), check=False, stdin=subprocess.DEVNULL
        )
    return result.returncode, result.stderr.decode()
