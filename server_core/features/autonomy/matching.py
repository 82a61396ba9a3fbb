"""Which deliveries match a wake subscription, and the few lines that tell the agent about one.

Event names: for GitHub, `X-GitHub-Event` joined with the payload's `action` when it has one
(`workflow_run.completed`); a subscription to the bare name (`workflow_run`) matches every
action. For signed webhooks, the `X-Sesame-Event` header, else the payload's `type`, else its
`event`. A subscription's event `*` matches any event.

Filters: every key must match. For GitHub a few names stand for where GitHub puts them
(`ALIASES`: `repo` is `repository.full_name`, compared without case); any other key, and
every key of a webhook filter, is a dotted path into the payload (`workflow_run.conclusion`).
A value matches when it equals the payload's, or when both are text and equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ALIASES: dict[str, tuple[str, ...]] = {
    "repo": ("repository.full_name",),
    "workflow": ("workflow_run.name", "workflow.name", "check_run.name"),
    "conclusion": ("workflow_run.conclusion", "check_suite.conclusion", "check_run.conclusion"),
    "branch": ("workflow_run.head_branch", "check_suite.head_branch", "ref"),
}
_NO_CASE = {"repo"}
_MISSING = object()


def github_event(header: str, payload: Mapping[str, Any]) -> str:
    action = payload.get("action")
    return f"{header}.{action}" if isinstance(action, str) and action else header


def webhook_event(header: str | None, payload: Mapping[str, Any]) -> str:
    for found in (header, payload.get("type"), payload.get("event")):
        if isinstance(found, str) and found:
            return found
    return ""


def event_matches(wanted: str, event: str) -> bool:
    return wanted in ("*", event) or event.startswith(wanted + ".")


def dig(payload: Any, path: str) -> Any:
    """The value at a dotted path (`a.b.0.c`), or `_MISSING`."""
    value = payload
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _value(source: str, key: str, payload: Mapping[str, Any]) -> Any:
    paths = ALIASES.get(key, (key,)) if source == "github" else (key,)
    for path in paths:
        found = dig(payload, path)
        if found is not _MISSING:
            if key == "branch" and isinstance(found, str):
                return found.removeprefix("refs/heads/")
            return found
    return _MISSING


def filter_matches(source: str, wanted: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    for key, expected in wanted.items():
        actual = _value(source, key, payload)
        if actual is _MISSING:
            return False
        if isinstance(expected, str) and isinstance(actual, str):
            fold = source == "github" and key in _NO_CASE
            if (actual.casefold() == expected.casefold()) if fold else actual == expected:
                continue
            return False
        if type(actual) is not type(expected) or actual != expected:
            return False
    return True


def summary(source: str, event: str, payload: Mapping[str, Any]) -> str:
    """A short text about the delivery: what happened, where, how it ended, a link."""
    if source != "github":
        return f"🔔 Webhook event {event}"
    head = f"🔔 GitHub {event}"
    repo = dig(payload, "repository.full_name")
    if isinstance(repo, str):
        head += f" in {repo}"
    lines = [head]
    subject = next(
        (
            payload[name]
            for name in ("workflow_run", "check_suite", "check_run", "pull_request")
            if isinstance(payload.get(name), Mapping)
        ),
        None,
    )
    if subject is not None:
        name = subject.get("name") or subject.get("title")
        details = [str(name)] if name else []
        branch = subject.get("head_branch")
        if branch:
            details.append(f"branch {branch}")
        conclusion = subject.get("conclusion") or subject.get("status")
        if conclusion:
            details.append(str(conclusion))
        if details:
            lines.append(", ".join(details))
        url = subject.get("html_url")
        if isinstance(url, str):
            lines.append(url)
    return "\n".join(lines)
