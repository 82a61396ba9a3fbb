"""What the `library_admin` toolset's sync and lint tools answer with, and their text. Pulled
pages and lint messages quote what the pages' authors wrote."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.toolsets.library.views import DATA_NOTE, counted
from sesame_mcp.toolsets.messaging.views import quote

RAW_SHOWN = 300  # characters of a pulled page's file shown in the text (all of it is in the data)


class PulledView(View):
    kind: str
    page_id: str
    path: str
    sha: str
    version: int
    clock: int
    raw: str | None
    file_id: str | None = None
    content_type: str | None = None
    size_bytes: int | None = None
    download_url: str | None = None

    def line(self) -> str:
        head = f"- {self.kind} {quote(self.path)} (version {self.version}, sha {self.sha})"
        if self.file_id is not None:
            if self.download_url is None:
                return f"{head}: drive file {self.file_id}, deleted from the drive"
            return (
                f"{head}: drive file {self.file_id} ({self.content_type}, {self.size_bytes} "
                f"bytes), download: {self.download_url}"
            )
        if self.raw is None:
            return head
        shown = self.raw if len(self.raw) <= RAW_SHOWN else self.raw[:RAW_SHOWN] + "…"
        return f"{head}: {quote(shown)}"


class PullView(View):
    operations: list[PulledView]
    sync_clock: int
    cursor: str | None
    has_more: bool


class PulledOutput(ToolOutput):
    pull: PullView

    def render(self) -> str:
        p = self.pull
        lines = [
            f"{counted(len(p.operations), 'change')} up to sync clock {p.sync_clock}. {DATA_NOTE}",
            *(op.line() for op in p.operations),
        ]
        if p.has_more and p.cursor is not None:
            lines.append(f"More: call again with cursor {quote(p.cursor)}.")
        else:
            lines.append(f"Next time pass sync_clock {p.sync_clock} for what changed since.")
        return "\n".join(lines)


class FindingView(View):
    rule: str
    severity: str
    message: str
    line: int | None = None

    def text(self) -> str:
        where = f"line {self.line} " if self.line is not None else ""
        return f"- {where}{self.severity} {self.rule}: {quote(self.message)}"


class PushResultView(View):
    index: int
    client_op_id: str | None
    kind: str
    status: str
    path: str | None
    sha: str | None
    version: int | None
    code: str | None
    error: str | None
    details: Any = None
    findings: list[FindingView] | None = None

    def line(self) -> str:
        name = quote(self.client_op_id) if self.client_op_id is not None else f"#{self.index}"
        target = f" {quote(self.path)}" if self.path else ""
        said = f"- {name} {self.kind}{target}: {self.status}"
        if self.code is not None:
            said += f" ({self.code}: {self.error})"
        elif self.version is not None:
            said += f", version {self.version}, sha {self.sha}"
        return said


class PushView(View):
    results: list[PushResultView]
    applied: int
    sync_clock: int


class PushedOutput(ToolOutput):
    push: PushView

    def render(self) -> str:
        p = self.push
        lines = [
            f"{p.applied} of {counted(len(p.results), 'operation')} applied; sync clock "
            f"{p.sync_clock}.",
            *(r.line() for r in p.results),
        ]
        return "\n".join(lines)


class LintView(View):
    path: str | None
    findings: list[FindingView]
    fixed_body: str | None = None


class LintOutput(ToolOutput):
    lint: LintView

    def render(self) -> str:
        lint = self.lint
        what = quote(lint.path) if lint.path else "The text"
        if not lint.findings:
            lines = [f"{what}: no findings."]
        else:
            lines = [
                f"{what}: {counted(len(lint.findings), 'finding')}.",
                *(f.text() for f in lint.findings),
            ]
        if lint.fixed_body is not None:
            lines.append("Fixed body: " + quote(lint.fixed_body))
        return "\n".join(lines)


class HealthView(View):
    by_rule: dict[str, dict[str, int]] = Field(description="rule → severity → findings")
    totals: dict[str, int]
    page_count: int


class HealthOutput(ToolOutput):
    health: HealthView

    def render(self) -> str:
        h = self.health
        totals = ", ".join(f"{h.totals.get(s, 0)} {s}" for s in ("error", "warning", "info"))
        lines = [f"{counted(h.page_count, 'page')} linted: {totals}."]
        for rule, counts in h.by_rule.items():
            lines.append(f"- {rule}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
        return "\n".join(lines)
