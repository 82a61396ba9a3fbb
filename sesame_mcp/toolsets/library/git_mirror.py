"""Toolset `library_admin`, the git mirror: `git_mirror_configure` (remote, branch, SSH key:
stored sealed by the platform, never shown again), `git_mirror_push` (the library's pages as
`<path>.md` files, one commit) and `git_mirror_pull` (the plan of what a pull changes; with
`apply` true, that plan applied in one transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.library.operations import Libraries
from sesame_mcp.registry import ToolInput, ToolOutput, View, tool_input
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.library.library import LIBRARY
from sesame_mcp.toolsets.library.library_admin import TOOLSET
from sesame_mcp.toolsets.library.views import counted

LIBRARY_FIELD = Field(min_length=1, max_length=100, description=LIBRARY.description)


class GitMirrorView(View):
    remote: str
    branch: str
    has_ssh_key: bool
    last_push_commit: str | None
    last_pushed_at: datetime | None
    last_pull_commit: str | None
    last_pulled_at: datetime | None


class GitMirrorOutput(ToolOutput):
    mirror: GitMirrorView

    def render(self) -> str:
        m = self.mirror
        key = "with an SSH key (stored sealed)" if m.has_ssh_key else "without an SSH key"
        done = [
            f"last push {m.last_push_commit[:12]}" if m.last_push_commit else "",
            f"last pull {m.last_pull_commit[:12]}" if m.last_pull_commit else "",
        ]
        history = "; ".join(part for part in done if part)
        return f"Git mirror: {m.remote}, branch {m.branch}, {key}" + (
            f"; {history}." if history else "."
        )


class GitPushView(View):
    remote: str
    branch: str
    commit: str
    parent_commit: str | None
    pushed: bool
    page_count: int


class GitPushOutput(ToolOutput):
    push: GitPushView

    def render(self) -> str:
        p = self.push
        if not p.pushed:
            return f"{p.remote} {p.branch} already holds these pages (commit {p.commit[:12]})."
        return (
            f"Pushed {counted(p.page_count, 'page')} to {p.remote} {p.branch}: commit "
            f"{p.commit[:12]}."
        )


class GitChangeView(View):
    path: str
    file: str
    sha: str | None
    previous_sha: str | None


class GitPullView(View):
    remote_commit: str
    library_clock: int
    added: list[GitChangeView]
    modified: list[GitChangeView]
    deleted: list[GitChangeView]
    unchanged: int


class GitPullOutput(ToolOutput):
    pull: GitPullView
    applied: bool = Field(description="Whether the changes were written (apply true)")

    def render(self) -> str:
        p = self.pull
        changes = [("added", p.added), ("changed", p.modified), ("deleted", p.deleted)]
        lines = [
            f"{'Pulled' if self.applied else 'Plan for'} commit {p.remote_commit[:12]}: "
            + ", ".join(f"{len(found)} {what}" for what, found in changes)
            + f", {p.unchanged} unchanged."
        ]
        for what, found in changes:
            lines += [f"- {what}: {change.path}" for change in found]
        if not self.applied and any(found for _, found in changes):
            lines.append(
                f"To apply: git_mirror_pull with apply true, remote_commit {p.remote_commit} "
                f"and library_clock {p.library_clock}."
            )
        return "\n".join(lines)


# The request model, read from the declaration (the MCP server imports no other module of it).
_CONFIGURE_BODY = Libraries.configure_git_mirror.body
assert _CONFIGURE_BODY is not None
_CONFIGURE_INPUT = tool_input(
    "git_mirror_configure",
    _CONFIGURE_BODY,
    descriptions={
        "remote": "The repository: ssh://git@host/org/repo.git, git@host:org/repo.git or "
        "https://host/org/repo.git",
        "branch": "The branch pushed to and pulled from (default main)",
        "ssh_key": "Base64 of the private key file an ssh remote takes (no passphrase); "
        "stored sealed, never shown again. Left out: the stored key stays",
    },
    library=(str, LIBRARY_FIELD),
)


@TOOLSET.tool(
    title="Configure a library's git mirror",
    read_only=False,
    destructive=True,
    idempotent=True,
    carries_secrets=True,
    arguments=_CONFIGURE_INPUT,
)
async def git_mirror_configure(args: Any, ctx: Context) -> GitMirrorOutput:
    """Set where a library is mirrored (library admins): the git remote, its branch and the
    SSH key for an ssh remote. The key is stored sealed and never shown again."""
    client = sesame(ctx).client
    mirror = await client.library.configure_git_mirror(
        args.library.strip(), remote=args.remote, branch=args.branch, ssh_key=args.ssh_key
    )
    return GitMirrorOutput.model_validate({"mirror": mirror}, from_attributes=True)


class PushInput(ToolInput):
    library: str = LIBRARY_FIELD


@TOOLSET.tool(title="Push a library to git", read_only=False, destructive=True)
async def git_mirror_push(args: PushInput, ctx: Context) -> GitPushOutput:
    """Export the library's live pages to its git mirror: one commit on the branch, each page
    a <path>.md file with its front matter; other files of the branch stay."""
    pushed = await sesame(ctx).client.library.push_git_mirror(args.library.strip())
    return GitPushOutput.model_validate({"push": pushed}, from_attributes=True)


class PullInput(ToolInput):
    library: str = LIBRARY_FIELD
    apply: bool = Field(
        default=False,
        description="Write the changes (default false: only show the plan)",
    )
    remote_commit: str | None = Field(
        default=None,
        pattern=r"^[0-9a-fA-F]{40}$",
        description="With apply: the plan's remote_commit, so exactly the plan you read is "
        "applied (left out: a fresh plan is applied)",
    )
    library_clock: int | None = Field(
        default=None, ge=0, description="With apply: the plan's library_clock"
    )


@TOOLSET.tool(title="Pull a library from git", read_only=False, destructive=True)
async def git_mirror_pull(args: PullInput, ctx: Context) -> GitPullOutput:
    """Compare the library with its git mirror's branch: the pages a pull adds, changes and
    deletes. With apply true the plan is written in one transaction; give the plan's
    remote_commit and library_clock to apply the plan you read, refused if either moved."""
    library = sesame(ctx).client.library
    ref = args.library.strip()
    if not args.apply:
        plan = await library.plan_git_pull(ref)
        return GitPullOutput.model_validate({"pull": plan, "applied": False}, from_attributes=True)
    commit, clock = args.remote_commit, args.library_clock
    if commit is None or clock is None:
        plan = await library.plan_git_pull(ref)
        commit, clock = plan.remote_commit, plan.library_clock
    applied = await library.apply_git_pull(ref, remote_commit=commit, library_clock=clock)
    return GitPullOutput.model_validate({"pull": applied, "applied": True}, from_attributes=True)
