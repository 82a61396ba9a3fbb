"""Toolset `library_admin` (declared in `library_admin.py`): keeping a library in shape and
in step with copies elsewhere. Sync (pull the pages changed since a clock value, push a batch
of page operations) and lint (a page or markdown against the library's conventions and
entities; the library's health). Declared from the platform's `/library` operations
(`sesame_mcp.derived`)."""

from __future__ import annotations

from server_core.features.library.operations import Libraries
from sesame_mcp.derived import derive
from sesame_mcp.toolsets.library.admin_views import (
    HealthOutput,
    LintOutput,
    PulledOutput,
    PushedOutput,
)
from sesame_mcp.toolsets.library.library import LIBRARY, PAGE_PATH
from sesame_mcp.toolsets.library.library_admin import TOOLSET

derive(
    TOOLSET,
    Libraries.sync_pull,
    name="sync_pull",
    title="Pull library changes",
    description="The pages written since sync_clock (every live page without it), each once as "
    "it is now with its file (raw), deletions included; scope narrows it to collections or "
    "path prefixes. Keep the answer's sync_clock for the next pull.",
    output=PulledOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "scope": 'e.g. {"collections": ["decisions"], "paths": ["guides/"], "excludePaths": '
        '["drafts/"], "maxPageSize": 100000}',
        "vector": "page id → sha of the pages you hold: those unchanged are left out",
        "sync_clock": "The sync_clock of your last pull (0 or none: every live page)",
        "cursor": "The cursor of the previous call, for the rest",
        "limit": "At most this many changes (default 500, at most 5000)",
    },
)
derive(
    TOOLSET,
    Libraries.sync_push,
    name="sync_push",
    title="Push page operations",
    description="Apply up to 1000 page operations in order: upsert (path + raw file), rename "
    "(path or pageId + newPath), delete (path or pageId). Each is reported: ok, conflict "
    "(expectedSha did not match), error. atomic true: all or none.",
    output=PushedOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "operations": 'e.g. [{"kind": "upsert", "path": "lessons/x", "raw": "---\\ntitle: X\\n'
        '---\\n\\nText", "expectedSha": "…", "clientOpId": "1"}]',
        "atomic": "All operations or none (default false: each on its own)",
        "lint_mode": "off (default), report (findings in each upsert's result) or strict "
        "(an upsert with lint errors is refused)",
    },
    destructive=True,
)
derive(
    TOOLSET,
    Libraries.lint,
    name="lint_page",
    title="Lint a page",
    description="Check a page (path) or markdown you are about to write (body) against the "
    "library's conventions (tag case, required front matter, heading and list style, dates) "
    "and entities (aliases, broken links); auto_fix answers the fixed body.",
    output=LintOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "path": PAGE_PATH,
        "body": "Markdown to check before writing it (a --- front matter block allowed)",
        "auto_fix": "Answer the body with every fixable finding fixed (nothing is written)",
    },
)
derive(
    TOOLSET,
    Libraries.lint_health,
    name="lint_health",
    title="Library lint health",
    description="Every live page of a library linted: findings counted by rule and severity.",
    output=HealthOutput,
    refs={"library_id": LIBRARY},
)
