"""Wire models of a library's git mirror: its configuration (the SSH key goes in, never out),
a push's outcome, a pull's plan and its application."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

GitUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2048),
    AfterValidator(no_nul),
]
Branch = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    AfterValidator(no_nul),
]
CommitSha = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[0-9a-fA-F]{40}$"),
]


class ConfigureGitMirrorRequest(RequestModel):
    remote: GitUrl = Field(
        description="ssh://git@host/org/repo.git, git@host:org/repo.git or https://host/repo.git"
    )
    branch: Branch = Field(default="main", description="The branch pushed to and pulled from")
    ssh_key: str | None = Field(
        default=None,
        max_length=65_536,
        description="Base64 of the private key (OpenSSH or PEM, no passphrase) an ssh remote "
        "takes; omitted keeps the stored key, null removes it. Stored sealed, never answered",
    )


class GitMirror(WireModel):
    library_id: str
    remote: str
    branch: str
    has_ssh_key: bool
    last_push_commit: str | None = Field(description="The commit the last push made")
    last_pushed_at: Timestamp | None
    last_pull_commit: str | None = Field(description="The remote commit the last pull applied")
    last_pulled_at: Timestamp | None
    updated_at: Timestamp


class GitPush(WireModel):
    remote: str
    branch: str
    commit: str = Field(description="The branch's head after the push")
    parent_commit: str | None = Field(description="The branch's head before (null: a new branch)")
    pushed: bool = Field(description="False when the branch held these pages already")
    page_count: int
    library_clock: int = Field(description="The library's clock the export was read at")


class GitFileChange(WireModel):
    path: str = Field(description="The page's path")
    file: str = Field(description="The file on the branch (`<path>.md`)")
    git_sha: str | None = Field(description="The file's blob sha on the branch (null: deleted)")
    sha: str | None = Field(description="The page's sha once pulled (null: deleted)")
    previous_sha: str | None = Field(description="The page's sha now (null: added)")


class GitPullPlan(WireModel):
    remote_commit: str = Field(description="The branch's head the plan read: apply names it")
    library_clock: int = Field(
        description="The library's clock the plan read (after an apply: the clock it left)"
    )
    added: list[GitFileChange]
    modified: list[GitFileChange]
    deleted: list[GitFileChange]
    unchanged: int = Field(description="Pages the branch holds as the library does")


class ApplyGitPullRequest(RequestModel):
    remote_commit: CommitSha = Field(description="`remoteCommit` of the plan")
    library_clock: int = Field(ge=0, description="`libraryClock` of the plan")
