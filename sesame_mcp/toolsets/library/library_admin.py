"""Toolset `library_admin`: running libraries rather than writing in them. Its tools are
declared in the modules beside this one (`admin.py`: sync and lint; `git_mirror.py`: mirroring
a library to a git repository), with what to do next after a platform refusal here."""

from __future__ import annotations

from sesame_mcp.registry import Toolset

# What to do next after a platform refusal, by its error code.
LIBRARY_ADMIN_STEPS: dict[str, str] = {
    "not_found": "list_libraries shows the libraries you can read",
    "forbidden": "pushing needs the editor role in that library, the git mirror its admin or "
    "owner role (list_libraries shows your role); ask its owner",
    # --- sync and lint
    "too_many_sync_operations": "push at most 1000 operations at a time",
    "invalid_sync_cursor": "pass the cursor of the previous sync_pull, or pull again from "
    "your sync_clock",
    "invalid_lint_request": "give lint_page either a path or a body",
    "invalid_page_path": "a page path is relative: segments joined by single slashes, "
    "e.g. guides/onboarding",
    # --- git mirror
    "git_mirror_not_configured": "git_mirror_configure sets the library's remote and branch first",
    "invalid_git_remote": "give ssh://git@host/org/repo.git, git@host:org/repo.git or "
    "https://host/org/repo.git, with no password in it (use ssh_key)",
    "invalid_git_branch": "give a git branch name, e.g. main or wiki/export",
    "invalid_ssh_key": "ssh_key is the base64 of a private key file (OpenSSH or PEM) without "
    "a passphrase, for an ssh remote",
    "git_remote_unreachable": "check the remote's address, that the key may read and write "
    "it, and that the host is up; git_mirror_configure changes them",
    "git_remote_moved": "the branch moved since it was read: run git_mirror_pull again for a "
    "new plan (or git_mirror_push again)",
    "git_library_changed": "a page changed since the plan: run git_mirror_pull again for a "
    "new plan",
    "git_push_rejected": "the remote refused the update (a protected branch or a hook): "
    "push to another branch with git_mirror_configure",
    "git_branch_missing": "the branch does not exist on the remote yet: git_mirror_push creates it",
    "git_invalid_file": "fix the named file in the repository (its path, front matter or "
    "collection), then run git_mirror_pull again",
}

TOOLSET = Toolset(
    "library_admin",
    "Run libraries: sync pages in bulk, lint against conventions, mirror to a git repository",
    default=False,
    next_steps=LIBRARY_ADMIN_STEPS,
)
