"""The well-known collections `defaults: true` creates, with their schemas.

The spec names six (decisions, lessons, people, experiments, principles, playbooks) and shows a
new library with eight collections; the other two are the ones its examples write to: `logs`
(append-only log pages) and `projects`.
"""

from __future__ import annotations

from typing import Any

_TAGS: dict[str, Any] = {"type": "array", "items": "string"}

WELL_KNOWN: dict[str, dict[str, Any]] = {
    "decisions": {
        "name": "Decisions",
        "description": "Architectural and product decisions with reasoning",
        "schema": {
            "title": {"type": "string", "required": True},
            "status": {
                "type": "enum",
                "values": ["proposed", "accepted", "rejected", "superseded"],
                "default": "proposed",
            },
            "supersedes": {"type": "pageRef", "required": False},
            "tags": _TAGS,
        },
        "views": [
            {
                "name": "By status",
                "kind": "board",
                "groupBy": "status",
                "sort": [{"field": "updatedAt", "direction": "desc"}],
            }
        ],
    },
    "lessons": {
        "name": "Lessons",
        "description": "What went well or badly, and what to do next time",
        "schema": {"title": {"type": "string", "required": True}, "tags": _TAGS},
        "views": [],
    },
    "people": {
        "name": "People",
        "description": "Who people are, what they work on and how to reach them",
        "schema": {
            "title": {"type": "string", "required": True},
            "handle": {"type": "string"},
            "role": {"type": "string"},
            "tags": _TAGS,
        },
        "views": [],
    },
    "experiments": {
        "name": "Experiments",
        "description": "Hypotheses, how they were tested and what came out",
        "schema": {
            "title": {"type": "string", "required": True},
            "status": {
                "type": "enum",
                "values": ["planned", "running", "concluded", "abandoned"],
                "default": "planned",
            },
            "tags": _TAGS,
        },
        "views": [{"name": "By status", "kind": "board", "groupBy": "status", "sort": []}],
    },
    "principles": {
        "name": "Principles",
        "description": "The rules of thumb the team works by",
        "schema": {"title": {"type": "string", "required": True}, "tags": _TAGS},
        "views": [],
    },
    "playbooks": {
        "name": "Playbooks",
        "description": "Step-by-step procedures for recurring work",
        "schema": {
            "title": {"type": "string", "required": True},
            "owner": {"type": "pageRef"},
            "tags": _TAGS,
        },
        "views": [],
    },
    "logs": {
        "name": "Logs",
        "description": "Log pages that many writers append to, one heading per day",
        "schema": None,
        "views": [],
    },
    "projects": {
        "name": "Projects",
        "description": "What each project is, its state and its links",
        "schema": {
            "title": {"type": "string", "required": True},
            "status": {
                "type": "enum",
                "values": ["active", "paused", "done"],
                "default": "active",
            },
            "tags": _TAGS,
        },
        "views": [],
    },
}
