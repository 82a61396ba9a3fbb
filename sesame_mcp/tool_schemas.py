"""The JSON schemas a tool is listed with, as short as they can say the same: every agent
reads `tools/list` at the start of each conversation, and the schemas are most of it.

- Input schemas (`input_schema`): no pydantic-generated titles (they repeat the property and
  model names); an optional argument's `anyOf: [X, null]` with `default: null` written as X
  with `type: [X's type, "null"]` (not required says the rest).
- Output schemas (`output_schema`): for machines: no titles, no descriptions (the field names
  carry the meaning), no `required` lists (every field of an answer is always there, null
  when empty: the lists were an eighth of the default `tools/list`), nullable fields as
  above. Clients validate the structured content against them; the model reads the
  description and the text.
- Both: a `$defs` entry used once is written where it is used (a `$ref` and its definition
  cost more than the definition alone).
"""

from __future__ import annotations

import json
from typing import Any


def input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    return inline_single_use(lean(schema))


def output_schema(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    if schema is None:
        return None
    return inline_single_use(without_unused(nullable_objects(bare(schema))))


def lean(schema: Any) -> Any:
    """An input schema as short as it can say the same: no pydantic-generated titles (they
    repeat the property and model names), and an optional argument's `anyOf: [X, null]` with
    `default: null` written as X with `type: [X's type, "null"]` (not required says the rest).
    Together they were a third of every `tools/list` an agent reads."""
    if isinstance(schema, list):
        return [lean(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    nullable = _nullable(schema.get("anyOf"))
    compact: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key in ("properties", "$defs"):  # name → schema maps: keep the names
            compact[key] = {name: lean(item) for name, item in value.items()}
        elif nullable is not None and key == "anyOf":
            compact.update(lean(nullable))
        elif nullable is not None and key == "default" and value is None:
            continue
        else:
            compact[key] = lean(value)
    return compact


def bare(schema: Any) -> Any:
    """An output schema for machines: no titles, no descriptions (the field names carry the
    meaning), no `required` lists, and `anyOf: [X, null]` written as X with
    `type: [X's type, "null"]`. Clients validate the structured content against it; the model
    reads the description and the text."""
    if isinstance(schema, list):
        return [bare(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    compact: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("title", "description") and isinstance(value, str):
            continue
        if key == "required" and isinstance(value, list):
            continue  # every field of a tool's answer is always there (null when empty)
        if key == "default":
            continue  # an answer has every field: nothing falls back to a default
        if key in ("properties", "$defs"):  # name → schema maps: keep the names
            compact[key] = {name: bare(item) for name, item in value.items()}
        elif key == "anyOf" and (nullable := _nullable(value)) is not None:
            compact.update(bare(nullable))
        else:
            compact[key] = bare(value)
    return compact


def _nullable(options: Any) -> dict[str, Any] | None:
    """`anyOf: [X, {type: null}]` as one schema, X with null added to its type; None when the
    `anyOf` is anything else (or X has no single type, as a `$ref`)."""
    if not isinstance(options, list) or len(options) != 2 or {"type": "null"} not in options:
        return None
    other = options[0] if options[1] == {"type": "null"} else options[1]
    if not isinstance(other, dict) or not isinstance(other.get("type"), str):
        return None
    return other | {"type": [other["type"], "null"]}


def nullable_objects(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [{$ref: X}, null]` (an object that may be null) written as X's definition with
    `type: ["object", "null"]`, so that no `anyOf` is left for clients to branch on."""
    definitions: dict[str, Any] = schema.get("$defs", {})

    def place(node: Any) -> Any:
        if isinstance(node, list):
            return [place(item) for item in node]
        if not isinstance(node, dict):
            return node
        options = node.get("anyOf")
        if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
            other = options[0] if options[1] == {"type": "null"} else options[1]
            name = other.get("$ref", "").removeprefix("#/$defs/") if isinstance(other, dict) else ""
            if name in definitions:
                beside = {key: value for key, value in node.items() if key != "anyOf"}
                return place(definitions[name]) | {"type": ["object", "null"]} | beside
        return {key: place(value) for key, value in node.items()}

    return place(schema) if definitions else schema


def without_unused(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` without the definitions nothing outside them refers to any more (those
    `nullable_objects` wrote in place), nor those only they referred to, so that a definition
    they shared with a live one counts as used once."""
    definitions: dict[str, Any] = schema.get("$defs", {})
    if not definitions:
        return schema
    body = {key: value for key, value in schema.items() if key != "$defs"}
    live: set[str] = set()
    reach = [json.dumps(body)]
    while reach:
        text = reach.pop()
        for name in definitions:
            if name not in live and f'"#/$defs/{name}"' in text:
                live.add(name)
                reach.append(json.dumps(definitions[name]))
    if live:
        body["$defs"] = {name: d for name, d in definitions.items() if name in live}
    return body


def inline_single_use(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with each definition referenced exactly once (and not by itself) in place of
    its `$ref`, and those referenced nowhere left out; definitions used more often stay in
    `$defs`."""
    definitions: dict[str, Any] = schema.get("$defs", {})
    text = json.dumps(schema)
    once = {
        name
        for name, definition in definitions.items()
        if text.count(f'"#/$defs/{name}"') == 1
        and f'"#/$defs/{name}"' not in json.dumps(definition)
    }
    unused = {name for name in definitions if f'"#/$defs/{name}"' not in text}
    if not once and not unused:
        return schema

    def place(node: Any) -> Any:
        if isinstance(node, list):
            return [place(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.removeprefix("#/$defs/") in once:
            beside = {key: value for key, value in node.items() if key != "$ref"}  # description
            return place(definitions[ref.removeprefix("#/$defs/")]) | beside
        return {key: place(value) for key, value in node.items() if key != "$defs"}

    placed: dict[str, Any] = place(schema)
    kept = {name: place(d) for name, d in definitions.items() if name not in once | unused}
    if kept:
        placed["$defs"] = kept
    return placed
