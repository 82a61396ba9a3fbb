"""A page's content: YAML front matter, markdown body, the `raw` file form that joins them,
the sha that hashes it, and the `[[wikilinks]]` of the body.

`raw` is the page as a file: a YAML front matter block holding `title`, `collection` (when
set) and the page's front matter fields, then the body. The sha is the SHA-256 of that text,
so a page's sha changes exactly when its content does, and anyone holding the file can
compute it.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from server_core.features.library.errors import FrontmatterNotMapping, InvalidFrontmatter
from server_core.features.library.schemas import MAX_FRONTMATTER_BYTES
from server_core.kernel.wire import check_json_object

_FRONTMATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_EMPTY_FRONTMATTER = re.compile(r"\A---[ \t]*\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")
# `[[target]]`, `[[target|label]]`, `[[target#heading]]`: the target is what a link names.
WIKILINK = re.compile(r"\[\[([^\[\]|#\n]+)((?:#[^\[\]|\n]*)?(?:\|[^\[\]\n]*)?)\]\]")


@dataclass(frozen=True)
class Content:
    title: str
    collection: str | None
    frontmatter: dict[str, Any]
    body: str

    def raw(self) -> str:
        """The page as a file. Front matter keys are sorted (after `title` and `collection`):
        PostgreSQL's JSON keeps no key order, and the sha must not depend on the engine."""
        head: dict[str, Any] = {"title": self.title}
        if self.collection is not None:
            head["collection"] = self.collection
        rest = {k: v for k, v in self.frontmatter.items() if k not in ("title", "collection")}
        dumped = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=1000)
        if rest:
            dumped += yaml.safe_dump(rest, sort_keys=True, allow_unicode=True, width=1000)
        return f"---\n{dumped}---\n\n{self.body}"

    def sha(self) -> str:
        return hashlib.sha256(self.raw().encode()).hexdigest()

    def size_bytes(self) -> int:
        return len(self.raw().encode())


def split_raw(raw: str) -> tuple[dict[str, Any], str]:
    """The front matter (a mapping, parsed with a YAML safe loader) and body of a file."""
    text = raw.removeprefix("\ufeff")
    if _EMPTY_FRONTMATTER.match(text):
        return {}, _body_after(text, _EMPTY_FRONTMATTER.match(text))
    found = _FRONTMATTER.match(text)
    if found is None:
        return {}, text
    try:
        loaded = yaml.safe_load(found.group(1))
    except yaml.YAMLError as error:
        raise InvalidFrontmatter(f"Front matter is not valid YAML: {error}") from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise FrontmatterNotMapping(
            f"Front matter must be a mapping of keys to values, not a {type(loaded).__name__}"
        )
    frontmatter = {str(key): _jsonable(value) for key, value in loaded.items()}
    try:
        check_json_object(frontmatter, MAX_FRONTMATTER_BYTES)
    except ValueError as error:
        raise InvalidFrontmatter(f"Front matter {error}") from None
    return frontmatter, _body_after(text, found)


def _body_after(text: str, found: re.Match[str] | None) -> str:
    assert found is not None
    body = text[found.end() :]
    return body[1:] if body.startswith("\n") else body


def _jsonable(value: Any) -> Any:
    """YAML values as JSON holds them: dates as ISO strings; other types refused."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidFrontmatter("Front matter numbers must be finite")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise InvalidFrontmatter(f"Front matter cannot hold a {type(value).__name__}")


def wikilink_targets(body: str) -> set[str]:
    """What the body's `[[…]]` links name, trimmed (at most 1024 characters each)."""
    targets = {match.group(1).strip() for match in WIKILINK.finditer(body)}
    return {target for target in targets if target and len(target) <= 1024}


def rewrite_links(body: str, old: str, new: str) -> str:
    """The body with its links to `old` pointing at `new` (anchors and labels kept)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1).strip() != old:
            return match.group(0)
        return f"[[{new}{match.group(2)}]]"

    return WIKILINK.sub(replace, body)
