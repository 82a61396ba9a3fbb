"""A library as a git tree, and a git tree as pages.

Each live page is the file `<path>.md` holding its `raw` form (YAML front matter with `title`,
`collection` and its fields, then the body: `content.py`). A push builds one commit on the
branch's head: the pages' files, plus every file of the head that is not markdown (a README's
images, CI files), kept as they were. A pull reads every `.md` file of the branch as a page
and ignores the rest.
"""

from __future__ import annotations

import stat
import time
from dataclasses import dataclass

from dulwich.index import commit_tree
from dulwich.object_store import iter_tree_contents
from dulwich.objects import Blob, Commit, ObjectID
from dulwich.repo import MemoryRepo

from server_core.features.library.errors import GitInvalidFile

SUFFIX = ".md"
_FILE_MODE = stat.S_IFREG | 0o644


@dataclass(frozen=True)
class RemoteFile:
    """A page's file on the remote branch: its page path, its blob's sha and its text."""

    path: str
    git_sha: str
    text: str


def file_name(page_path: str) -> str:
    return page_path + SUFFIX


def build_commit(
    repo: MemoryRepo,
    parent: ObjectID | None,
    pages: dict[str, str],
    *,
    author: str,
    message: str,
) -> ObjectID | None:
    """Commit the pages (path → raw) on `parent`; None when the tree would not change."""
    store = repo.object_store
    entries: list[tuple[bytes, ObjectID, int]] = []
    parent_tree: ObjectID | None = None
    if parent is not None:
        head = store[parent]
        assert isinstance(head, Commit)
        parent_tree = head.tree
        for entry in iter_tree_contents(store, parent_tree):
            if entry.path is None or entry.sha is None or entry.mode is None:
                continue
            if not entry.path.endswith(SUFFIX.encode()):
                entries.append((entry.path, entry.sha, entry.mode))
    for path, raw in sorted(pages.items()):
        blob = Blob.from_string(raw.encode())
        store.add_object(blob)
        entries.append((file_name(path).encode(), blob.id, _FILE_MODE))
    tree = commit_tree(store, entries)
    if tree == parent_tree:
        return None
    commit = Commit()
    commit.tree = tree
    commit.parents = [parent] if parent is not None else []
    commit.author = commit.committer = author.encode()
    commit.author_time = commit.commit_time = int(time.time())
    commit.author_timezone = commit.commit_timezone = 0
    commit.encoding = b"UTF-8"
    commit.message = message.encode()
    store.add_object(commit)
    return commit.id


def remote_files(repo: MemoryRepo, head: ObjectID) -> list[RemoteFile]:
    """The `.md` files of the commit `head`, by page path; 422 for one that is not UTF-8."""
    store = repo.object_store
    commit = store[head]
    assert isinstance(commit, Commit)
    found: list[RemoteFile] = []
    for entry in iter_tree_contents(store, commit.tree):
        if entry.path is None or entry.sha is None or entry.mode is None:
            continue
        if not stat.S_ISREG(entry.mode) or not entry.path.endswith(SUFFIX.encode()):
            continue
        name = entry.path.decode("utf-8", "replace")
        blob = store[entry.sha]
        assert isinstance(blob, Blob)
        try:
            text = blob.as_raw_string().decode("utf-8")
        except UnicodeDecodeError:
            raise GitInvalidFile(
                f"{name}: a page's file is UTF-8 text", details={"file": name}
            ) from None
        found.append(RemoteFile(name.removesuffix(SUFFIX), entry.sha.decode(), text))
    return found
