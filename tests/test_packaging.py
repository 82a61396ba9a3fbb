"""The built wheel on its own: installed with its pinned dependencies into a fresh venv, both
commands start; `uvx --from` the wheel runs the MCP server; and the wheel holds every file
besides the Python modules that the packages read (migrations, the console's templates and
static files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("server_core", "sesame_mcp")
TIMEOUT = 300  # seconds for one step; with uv's cache warm the whole test takes far less


def _uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    try:
        import uv  # noqa: F401  (scripts/_uv.sh installs it with pip where no uv is on PATH)
    except ImportError:
        pytest.skip("uv is not installed")
    return [sys.executable, "-m", "uv"]


def _env() -> dict[str, str]:
    """This environment without the project's venv, so nothing leaks into the fresh one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}
    env.pop("PYTHONPATH", None)
    return env


def _run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd or ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def _data_files() -> set[str]:
    """The packages' tracked files that are not Python source."""
    listed = subprocess.run(
        ["git", "ls-files", "--", *PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name for name in listed if not name.endswith(".py")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(*_uv(), "build", "--wheel", "--out-dir", out)
    [built] = out.glob("sesame_mcp-*.whl")
    return built


def test_the_wheel_holds_the_files_the_code_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = _data_files()
    assert any(name.startswith("server_core/console/templates/") for name in wanted)
    assert any(name.startswith("server_core/console/static/") for name in wanted)
    assert "server_core/migrations/script.py.mako" in wanted
    assert wanted - names == set()
    assert {"server_core/migrations/env.py", "server_core/cli.py", "sesame_mcp/cli.py"} <= names
    assert not [name for name in names if name.startswith("tests/")]


def test_both_commands_run_from_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(*_uv(), "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _run(*_uv(), "pip", "install", "--quiet", "--python", python, wheel)
    for command in ("sesame-mcp", "sesame-server"):
        shown = _run(venv / "bin" / command, "--help", cwd=tmp_path)
        assert "usage" in shown.stdout.lower()
    # The migrations are found and applied from the installed package.
    data_dir = tmp_path / "data"
    _run(venv / "bin" / "sesame-server", "migrate", "--data-dir", data_dir, cwd=tmp_path)
    assert (data_dir / "sesame.db").is_file()


def test_uvx_runs_the_mcp_server_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    uvx = shutil.which("uvx")
    command = [uvx] if uvx else [*_uv(), "tool", "run"]
    shown = _run(*command, "--from", wheel, "sesame-mcp", "--help", cwd=tmp_path)
    assert "usage" in shown.stdout.lower()


def test_pipx_runs_the_mcp_server_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    """`pipx run` (pipx itself taken from PyPI by uv's tool runner) from the built wheel."""
    env_home = tmp_path / "pipx-home"
    command = [*_uv(), "tool", "run", "pipx", "run", "--spec", str(wheel), "sesame-mcp", "--help"]
    done = subprocess.run(
        command,
        cwd=tmp_path,
        env={**_env(), "PIPX_HOME": str(env_home), "PIPX_BIN_DIR": str(env_home / "bin")},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "usage" in done.stdout.lower()
