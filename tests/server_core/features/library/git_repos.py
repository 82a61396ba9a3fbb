"""Bare git repositories for the git mirror's tests: made, read and committed to directly, as
someone working in the repository would."""

from __future__ import annotations

import time
from pathlib import Path

from dulwich.index import commit_tree
from dulwich.object_store import iter_tree_contents
from dulwich.objects import Blob, Commit
from dulwich.repo import Repo


def bare(tmp_path: Path, name: str = "wiki.git") -> str:
    path = tmp_path / name
    Repo.init_bare(str(path), mkdir=True)
    return str(path)


def files_of(remote: str, branch: str = "main") -> dict[str, bytes]:
    found = {}
    with Repo(remote) as repo:
        commit = repo[b"refs/heads/" + branch.encode()]
        assert isinstance(commit, Commit)
        for entry in iter_tree_contents(repo.object_store, commit.tree):
            assert entry.path is not None
            assert entry.sha is not None
            blob = repo[entry.sha]
            assert isinstance(blob, Blob)
            found[entry.path.decode()] = blob.data
    return found


def commit_files(remote: str, files: dict[str, bytes], branch: str = "main") -> str:
    """Commit `files` as the branch's whole tree, as someone editing the repository would."""
    with Repo(remote) as repo:
        return _commit(repo, files, branch)


def _commit(repo: Repo, files: dict[str, bytes], branch: str) -> str:
    ref = b"refs/heads/" + branch.encode()
    entries = []
    for path, text in files.items():
        blob = Blob.from_string(text)
        repo.object_store.add_object(blob)
        entries.append((path.encode(), blob.id, 0o100644))
    commit = Commit()
    commit.tree = commit_tree(repo.object_store, entries)
    commit.parents = [repo.refs[ref]]
    commit.author = commit.committer = b"Eve <eve@example.com>"
    commit.author_time = commit.commit_time = int(time.time())
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"Edited by hand\n"
    repo.object_store.add_object(commit)
    repo.refs[ref] = commit.id
    return commit.id.decode()
