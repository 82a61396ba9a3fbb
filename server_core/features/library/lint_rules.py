"""The lint rules, over one page's text. Pure: what they need of the library (its conventions,
the entities and pages its links name) comes in a `Library` the service fills.

| rule                | severity | from conventions      | fixed by autoFix |
|---------------------|----------|-----------------------|------------------|
| missing-frontmatter | error    | requiredFrontmatter   | no               |
| invalid-frontmatter | error    | (always)              | no               |
| tag-case            | warning  | tagCase               | body hashtags    |
| max-title-length    | warning  | maxTitleLength        | no               |
| heading-style       | warning  | headingStyle          | setext → atx     |
| list-style          | warning  | listStyle             | yes              |
| date-format         | warning  | dateFormat            | no               |
| broken-link         | warning  | (always)              | no               |
| entity-alias        | info     | personLinkFormat      | no               |

Hashtags and links inside code (fenced, indented or `inline`) are not read. Lines count from
1 over the text linted (front matter included when the text has some).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt

from server_core.features.library.content import WIKILINK
from server_core.features.library.lint_schemas import LintFinding, LintFix

_PARSER = MarkdownIt("commonmark")
HASHTAG = re.compile(r"(?<![\w&#/\[\]])#([A-Za-z][\w/-]*)")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# Shaped like a date: a four-digit year first, or day and month then a year (not `1.2.3`).
_DATE_LIKE = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4}))(?:[T ].*)?$"
)
_DATE_TOKENS = (("YYYY", r"\d{4}"), ("YY", r"\d{2}"), ("MM", r"\d{2}"), ("DD", r"\d{2}"))
_MARKERS = {"dash": "-", "asterisk": "*", "plus": "+"}
_CASE_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@dataclass(frozen=True)
class Entity:
    """An entity a link names: its canonical link text."""

    canonical_link: str


@dataclass
class Library:
    conventions: dict[str, Any] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)  # by link target, as written
    existing: set[str] = field(default_factory=set)  # link targets that name a live page


@dataclass(frozen=True)
class Text:
    """A page to lint: its title and front matter, and its body starting at line `offset`+1."""

    title: str
    frontmatter: dict[str, Any]
    body: str
    offset: int = 0


def recase(tag: str, case: str) -> str:
    if case == "lowercase":
        return tag.lower()
    words = [w.lower() for part in re.split(r"[-_\s]+", tag) for w in _CASE_WORDS.findall(part)]
    if case in ("kebab-case", "snake_case") and words:
        return ("-" if case == "kebab-case" else "_").join(words)
    return tag


def prose_lines(body: str) -> list[tuple[int, str]]:
    """(0-based line, text) of the lines outside code blocks, inline code blanked."""
    lines = body.split("\n")
    code: set[int] = set()
    for token in _PARSER.parse(body):
        if token.type in ("fence", "code_block") and token.map is not None:
            code.update(range(*token.map))
    return [
        (n, _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line))
        for n, line in enumerate(lines)
        if n not in code
    ]


def link_targets(body: str) -> set[str]:
    return {
        match.group(1).strip() for _, line in prose_lines(body) for match in WIKILINK.finditer(line)
    }


def _finding(
    rule: str, severity: str, message: str, line: int | None, fix: LintFix | None = None
) -> LintFinding:
    return LintFinding.model_validate(
        {"rule": rule, "severity": severity, "message": message, "line": line, "fix": fix}
    )


def _frontmatter_rules(text: Text, conventions: dict[str, Any]) -> list[LintFinding]:
    found: list[LintFinding] = []
    required = conventions.get("requiredFrontmatter")
    if isinstance(required, list):
        present = {*text.frontmatter, "title"}
        for key in required:
            if isinstance(key, str) and key not in present:
                found.append(
                    _finding("missing-frontmatter", "error", f"Front matter lacks `{key}`", None)
                )
    limit = conventions.get("maxTitleLength")
    if isinstance(limit, int) and not isinstance(limit, bool) and len(text.title) > limit:
        found.append(
            _finding(
                "max-title-length",
                "warning",
                f"The title is {len(text.title)} characters, over maxTitleLength {limit}",
                None,
            )
        )
    case = conventions.get("tagCase")
    tags = text.frontmatter.get("tags")
    if isinstance(case, str) and isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str) and recase(tag, case) != tag:
                fix = LintFix(old=tag, new=recase(tag, case))
                message = f"Tag '{tag}' should be '{fix.new}' per conventions (tagCase: {case})"
                found.append(_finding("tag-case", "warning", message, None, fix))
    found += _date_rule(text, conventions.get("dateFormat"))
    return found


def _date_rule(text: Text, date_format: Any) -> list[LintFinding]:
    if not isinstance(date_format, str) or not date_format:
        return []
    pattern = re.escape(date_format)
    for token, regex in _DATE_TOKENS:
        pattern = pattern.replace(token, regex)
    shape = re.compile(f"^{pattern}(?:[T ].*)?$")
    return [
        _finding(
            "date-format",
            "warning",
            f"Front matter `{key}` is '{value}', not in dateFormat {date_format}",
            None,
        )
        for key, value in text.frontmatter.items()
        if isinstance(value, str) and _DATE_LIKE.match(value) and not shape.match(value)
    ]


def _body_rules(
    text: Text, library: Library, fixes: list[Callable[[str], str]]
) -> list[LintFinding]:
    conventions = library.conventions
    case = conventions.get("tagCase")
    found: list[LintFinding] = []
    for n, line in prose_lines(text.body):
        at = n + 1 + text.offset
        if isinstance(case, str):
            for match in HASHTAG.finditer(line):
                tag = match.group(1)
                if recase(tag, case) != tag:
                    fix = LintFix(old=f"#{tag}", new=f"#{recase(tag, case)}")
                    message = (
                        f"Tag '{fix.old}' should be '{fix.new}' per conventions (tagCase: {case})"
                    )
                    found.append(_finding("tag-case", "warning", message, at, fix))
        for match in WIKILINK.finditer(line):
            target = match.group(1).strip()
            entity = library.entities.get(target)
            if entity is not None and entity.canonical_link != f"[[{target}]]":
                message = f"[[{target}]] resolves to canonical entity {entity.canonical_link}"
                found.append(_finding("entity-alias", "info", message, at))
            elif entity is None and target not in library.existing:
                message = f"[[{target}]] names no page or entity of this library"
                found.append(_finding("broken-link", "warning", message, at))
    if isinstance(case, str):
        fixes.append(lambda body: _fix_tags(body, case))
    found += _structure_rules(text, conventions, fixes)
    return found


def _fix_tags(body: str, case: str) -> str:
    prose = {n for n, _ in prose_lines(body)}
    lines = body.split("\n")
    for n, line in enumerate(lines):
        if n in prose:
            lines[n] = _outside_inline_code(
                line, lambda part: HASHTAG.sub(lambda m: "#" + recase(m.group(1), case), part)
            )
    return "\n".join(lines)


def _outside_inline_code(line: str, change: Callable[[str], str]) -> str:
    parts, last = [], 0
    for match in _INLINE_CODE.finditer(line):
        parts += [change(line[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join([*parts, change(line[last:])])


def _structure_rules(
    text: Text, conventions: dict[str, Any], fixes: list[Callable[[str], str]]
) -> list[LintFinding]:
    found: list[LintFinding] = []
    tokens = _PARSER.parse(text.body)
    lines = text.body.split("\n")
    heading_style = conventions.get("headingStyle")
    marker = _MARKERS.get(str(conventions.get("listStyle")))
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        at = token.map[0] + 1 + text.offset
        if token.type == "heading_open" and heading_style in ("atx", "setext"):
            setext = token.markup in ("=", "-")
            if heading_style == "atx" and setext:
                title = tokens[index + 1].content.strip()
                fix = LintFix(old=lines[token.map[0]], new=f"{'#' * int(token.tag[1])} {title}")
                found.append(
                    _finding(
                        "heading-style",
                        "warning",
                        f"Heading '{title}' is underlined: headingStyle is atx",
                        at,
                        fix,
                    )
                )
            elif heading_style == "setext" and not setext and token.tag in ("h1", "h2"):
                message = "Heading uses #: headingStyle is setext (underlined)"
                found.append(_finding("heading-style", "warning", message, at))
        if token.type == "bullet_list_open" and marker is not None and token.markup != marker:
            message = f"List uses '{token.markup}' items: listStyle is {conventions['listStyle']}"
            fix = LintFix(old=token.markup, new=marker)
            found.append(_finding("list-style", "warning", message, at, fix))
    if heading_style == "atx":
        fixes.append(_fix_setext)
    if marker is not None:
        fixes.append(lambda body: _fix_bullets(body, marker))
    return found


def _fix_setext(body: str) -> str:
    lines = body.split("\n")
    for token in reversed(_PARSER.parse(body)):
        if token.type == "heading_open" and token.markup in ("=", "-") and token.map:
            start, end = token.map
            heading = " ".join(line.strip() for line in lines[start : end - 1])
            lines[start:end] = [f"{'#' * int(token.tag[1])} {heading}"]
    return "\n".join(lines)


def _fix_bullets(body: str, marker: str) -> str:
    lines = body.split("\n")
    tokens = _PARSER.parse(body)
    for index, token in enumerate(tokens):
        if token.type != "bullet_list_open" or token.markup == marker:
            continue
        for item in tokens[index + 1 :]:
            if item.type == "bullet_list_close" and item.level == token.level:
                break
            if item.type == "list_item_open" and item.level == token.level + 1 and item.map:
                n = item.map[0]
                lines[n] = re.sub(rf"^(\s*){re.escape(token.markup)}", rf"\g<1>{marker}", lines[n])
    return "\n".join(lines)


def check(text: Text, library: Library) -> tuple[list[LintFinding], str]:
    """The findings, and the body with every fixable one fixed."""
    fixes: list[Callable[[str], str]] = []
    found = _frontmatter_rules(text, library.conventions) + _body_rules(text, library, fixes)
    body = text.body
    for fix in fixes:
        body = fix(body)
    order = {"error": 0, "warning": 1, "info": 2}
    found.sort(key=lambda f: (f.line or 0, order[f.severity]))
    return found, body
