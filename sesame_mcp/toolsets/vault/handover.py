"""How the vault tools hand decrypted values over: to a private file by default (see
`sesame_mcp.delivery`), or into the result with `deliver: "context"` when the agent asks.
Whatever is handed over is remembered, and tools that write refuse text containing it (see
`sesame_mcp.guard`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field

from server_core.features.vault.schemas import MASK
from sesame_mcp.client import SesameError
from sesame_mcp.delivery import REVEAL_TTL
from sesame_mcp.registry import ToolFailure, ToolOutput
from sesame_mcp.state import Sesame

Deliver = Literal["file", "context"]
DELIVER = (
    "file (default): the values go to a private file whose path is returned, never into "
    "your context; context: return the values in the result (only when you must see them)"
)


class SecretOutput(ToolOutput):
    item_id: str
    fields: list[str] = Field(description="The field keys delivered")
    file: str | None = Field(description="deliver=file: the private JSON file holding them")
    values: dict[str, str] | None = Field(description="deliver=context: the values")
    masked: list[str] = Field(description="Fields the vault's policy masked")
    removed_at: datetime | None = Field(description="When the file is removed")

    def where(self) -> str:
        if self.file is not None:
            until = f" until {self.removed_at:%H:%M:%S} UTC" if self.removed_at else ""
            return (
                f"written to {self.file} (JSON, mode 0600, kept{until}); read it with a "
                f"program, e.g. jq -r '.{self.fields[0] if self.fields else 'field'}' FILE. "
                "Do not print it or paste its values anywhere."
            )
        values = ", ".join(f"{key}={value}" for key, value in (self.values or {}).items())
        return f"values: {values}. Use them now and do not repeat them in any message."


def check_delivery(state: Sesame, deliver: Deliver) -> None:
    if deliver == "file" and state.remote:
        raise ToolFailure(
            "this server runs on another machine, so a file it writes would not reach you. "
            "Next: pass deliver='context' to get the values in the result, and use them "
            "without repeating them."
        )


async def hand_over(
    state: Sesame,
    item_id: str,
    values: dict[str, str],
    wanted: list[str] | None,
    deliver: Deliver,
    *,
    key: str,
    until: datetime | None,
    hints: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Hand decrypted values over as asked, remembering them for the outbound guard."""
    if wanted:
        unknown = sorted(set(wanted) - values.keys())
        if unknown:
            known = ", ".join(sorted(values))
            raise ToolFailure(f"the item has no field {', '.join(unknown)}; its fields: {known}.")
        values = {name: values[name] for name in wanted}
    if hints is None:
        hints = await _hints(state, item_id)
    label = f"item {item_id}"
    masked = [name for name, value in values.items() if value == MASK]
    clear = {name: value for name, value in values.items() if value != MASK}
    state.guard.remember(label, clear, hints)
    file, removed_at = None, None
    if deliver == "file":
        removed_at = until or datetime.now(UTC) + REVEAL_TTL
        file = str(state.files.write(key, item_id, values, removed_at))
    return {
        "item_id": item_id,
        "fields": list(values),
        "file": file,
        "values": values if deliver == "context" else None,
        "masked": masked,
        "removed_at": removed_at,
    }


async def _hints(state: Sesame, item_id: str) -> dict[str, str]:
    """The item's field hints; none when its metadata is out of reach (the guard then
    remembers every value)."""
    try:
        detail = await state.client.vault.get_item(item_id)
    except SesameError:
        return {}
    return dict(detail.field_hints)
