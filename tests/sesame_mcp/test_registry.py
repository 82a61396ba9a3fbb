"""Tool arguments derived from the platform's request models keep the platform's rules."""

from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from server_core.features.agents.schemas import StatusRequest
from sesame_mcp.registry import tool_input

WORDING = {
    "detail": "What you are doing, in a sentence",
    "progress": "How far along you are, 0 to 100",
    "emoji": "An emoji shown with it",
}


def test_a_derived_input_has_the_models_fields_limits_and_validators() -> None:
    derived = tool_input("SetStatusInput", StatusRequest, descriptions=WORDING)
    schema = derived.model_json_schema()
    assert list(schema["properties"]) == ["status", "detail", "progress", "emoji"]
    assert schema["properties"]["status"]["maxLength"] == 64
    assert schema["additionalProperties"] is False
    assert derived.model_validate({"status": "  working "}).status == "working"  # stripped
    for refused in (
        {"status": "x", "progress": 101},
        {"status": "a\x00b"},
        {"status": "x", "y": 1},
    ):
        with pytest.raises(ValidationError):
            derived.model_validate(refused)


def test_fields_can_be_left_out_and_added() -> None:
    derived = tool_input(
        "StatusOfInput",
        StatusRequest,
        omit=["emoji"],
        descriptions={name: text for name, text in WORDING.items() if name != "emoji"},
        agent=(str, Field(description="Whose status: @handle")),
    )
    assert "emoji" not in derived.model_fields
    assert derived.model_fields["agent"].description == "Whose status: @handle"


def test_every_field_must_be_described() -> None:
    with pytest.raises(TypeError, match=r"describe StatusRequest\.detail"):
        tool_input("Undescribed", StatusRequest)
