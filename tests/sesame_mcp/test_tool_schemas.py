"""How tool schemas are shortened: single-use definitions written in place, shared ones kept,
recursive ones left alone."""

from __future__ import annotations

from sesame_mcp.tool_schemas import inline_single_use, output_schema

ONE = {"type": "object", "properties": {"id": {"type": "string"}}}


def test_a_definition_used_once_is_written_in_place_with_what_stood_beside_its_ref() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/One", "description": "the one"}},
        "$defs": {"One": ONE},
    }
    assert inline_single_use(schema) == {
        "type": "object",
        "properties": {"a": {**ONE, "description": "the one"}},
    }


def test_shared_and_recursive_definitions_stay() -> None:
    node = {"type": "object", "properties": {"children": {"items": {"$ref": "#/$defs/Node"}}}}
    schema = {
        "type": "object",
        "properties": {
            "a": {"$ref": "#/$defs/One"},
            "b": {"items": {"$ref": "#/$defs/One"}},
            "tree": {"$ref": "#/$defs/Node"},
        },
        "$defs": {"One": ONE, "Node": node},
    }
    assert inline_single_use(schema) == schema


def test_a_nullable_object_is_written_as_its_definition_with_null_allowed() -> None:
    schema = {
        "type": "object",
        "properties": {
            "focus": {"anyOf": [{"$ref": "#/$defs/One"}, {"type": "null"}]},
            "others": {"type": "array", "items": {"$ref": "#/$defs/One"}},
        },
        "$defs": {"One": ONE},
    }
    assert output_schema(schema) == {
        "type": "object",
        "properties": {
            "focus": {**ONE, "type": ["object", "null"]},
            "others": {"type": "array", "items": ONE},
        },
    }


def test_a_nullable_objects_parts_used_once_more_are_written_in_place() -> None:
    # Written in place, the nullable object's own definition is left unused: its parts count
    # as used once, and it goes.
    task = {"type": "object", "properties": {"context": {"$ref": "#/$defs/One"}}}
    schema = {
        "type": "object",
        "properties": {"focus": {"anyOf": [{"$ref": "#/$defs/Task"}, {"type": "null"}]}},
        "$defs": {"Task": task, "One": ONE},
    }
    assert output_schema(schema) == {
        "type": "object",
        "properties": {
            "focus": {"type": ["object", "null"], "properties": {"context": ONE}},
        },
    }


def test_an_answer_lists_no_required_fields_nor_defaults() -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "n": {"type": "integer", "default": 0}},
        "required": ["id"],
    }
    assert output_schema(schema) == {
        "type": "object",
        "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
    }
