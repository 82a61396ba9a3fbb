"""Tools derived from a platform operation: a simple read, list or delete declared in one call.

    derive(VAULT, Vault.list_leases, name="list_leases", title="List leases",
           description="...", output=LeasesOutput,
           refs={"item_id": Ref("item", ITEM_REF, resolve_item_id)})

From the declaration the tool gets:

- its arguments: the path parameters, then the request body's and query's fields, with the
  wire model's types, limits and descriptions (`descriptions` words them for the agent); a
  `Ref` layers a reference on top of an id field (`item` takes a name or an id, resolved to
  `item_id` before the call); path parameters named in `own` are not arguments: they are the
  principal the server acts as (`/agents/{id}/wake` of the agent itself);
- its hints: a GET reads, and so does an operation declared to run in a read transaction (a
  POST query); a DELETE, PUT or PATCH is destructive (it removes or overwrites);
  idempotent as the operation declares; `destructive` says so for a POST that may overwrite;
- its call: the SDK's bound method for the operation (`client.vault.list_leases`); for PATCH
  only the arguments the agent gave are sent, so an omitted one keeps its value;
- its result: `output`'s first field takes the operation's answer (a page's items), read from
  the wire model by attribute (`View`), and `cursor` / `has_more` when `output` has them.

A tool that does more (several calls, a choice between operations, output built from more
than the answer) keeps a handler of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context
from pydantic import Field, create_model

from server_core.kernel.operations import Operation
from server_core.kernel.wire import Page
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset, ToolSpec, described_field
from sesame_mcp.state import Sesame, sesame

Resolve = Callable[[Sesame, str], Awaitable[str]]


@dataclass(frozen=True)
class Ref:
    """An argument naming something as an agent would (a name, `#channel`, `@handle`), resolved
    to the id field it stands for."""

    argument: str
    description: str
    resolve: Resolve
    max_length: int = 200


def derive(
    toolset: Toolset,
    operation: Operation[Any],
    *,
    name: str,
    title: str,
    description: str,
    output: type[ToolOutput],
    descriptions: Mapping[str, str] | None = None,
    refs: Mapping[str, Ref] | None = None,
    omit: Iterable[str] = (),
    own: Iterable[str] = (),
    destructive: bool | None = None,
) -> ToolSpec:
    """Declare in `toolset` the tool `name` that calls `operation` (see the module's doc)."""
    refs = dict(refs or {})
    own = tuple(own)
    arguments = _arguments(name, operation, descriptions or {}, refs, {*omit, *own})
    resolved = {ref.argument: field for field, ref in refs.items()}
    by_argument = {ref.argument: ref for ref in refs.values()}
    patch = operation.method == "PATCH"

    async def handler(args: Any, ctx: Context) -> ToolOutput:
        state = sesame(ctx)
        given = args.model_fields_set if patch else type(args).model_fields
        values: dict[str, Any] = dict.fromkeys(own, state.me.id)
        for argument in given:
            value = getattr(args, argument)
            if argument in by_argument:
                ref = by_argument[argument]
                value = None if value is None else await ref.resolve(state, value)
            values[resolved.get(argument, argument)] = value
        call = getattr(getattr(state.client, operation.area), operation.name)
        return answer(output, await call(**values))

    handler.__name__ = handler.__qualname__ = name
    # Found where its output is declared: the toolset module that declares the tool.
    handler.__module__ = output.__module__
    spec = ToolSpec(
        name=name,
        title=title,
        description=description,
        handler=handler,
        input_model=arguments,
        output_model=output,
        read_only=operation.method == "GET" or operation.transaction == "read",
        destructive=operation.method in ("DELETE", "PUT", "PATCH")
        if destructive is None
        else destructive,
        idempotent=operation.idempotent,
        open_world=False,
        toolset=toolset.name,
        next_steps=toolset.next_steps,
    )
    toolset.tools.append(spec)
    return spec


def answer(output: type[ToolOutput], result: Any) -> ToolOutput:
    """`output` holding an operation's answer: its first field takes the data (a page's
    items), its `cursor` and `has_more` fields, when it has them, the page's."""
    first = next(iter(output.model_fields))
    if isinstance(result, Page):
        fields: dict[str, Any] = {first: result.items}
        if "cursor" in output.model_fields:
            fields["cursor"] = result.cursor
        if "has_more" in output.model_fields:
            fields["has_more"] = result.has_more
        return output.model_validate(fields, from_attributes=True)
    return output.model_validate({first: result}, from_attributes=True)


def _arguments(
    name: str,
    operation: Operation[Any],
    descriptions: Mapping[str, str],
    refs: Mapping[str, Ref],
    omit: set[str],
) -> type[ToolInput]:
    """The path parameters, then the body's and the query's fields, a reference standing in
    for each field `refs` names."""
    wording = dict(descriptions)
    fields: dict[str, Any] = {}
    for param in operation.params:
        if param.name in refs:
            fields[refs[param.name].argument] = (str, _reference(refs[param.name], True))
        elif param.name not in omit:
            described = wording.pop(param.name, None) or param.description
            limit = param.max_length or 200
            fields[param.name] = (str, Field(min_length=1, max_length=limit, description=described))
    models = [model for model in (operation.body, operation.query) if model is not None]
    for model in models:
        for field_name, info in model.model_fields.items():
            if field_name in refs:
                required = info.is_required()
                kind: Any = str if required else str | None
                fields[refs[field_name].argument] = (kind, _reference(refs[field_name], required))
            elif field_name not in omit:
                fields[field_name] = described_field(name, model, field_name, wording)
    known = {p.name for p in operation.params} | {f for m in models for f in m.model_fields}
    unknown = set(refs) - known
    if unknown or wording:
        raise TypeError(f"{name}: no such fields: {sorted(unknown | set(wording))}")
    derived: type[ToolInput] = create_model(_model_name(name), __base__=ToolInput, **fields)
    return derived


def _reference(ref: Ref, required: bool) -> Any:
    if required:
        return Field(min_length=1, max_length=ref.max_length, description=ref.description)
    return Field(default=None, max_length=ref.max_length, description=ref.description)


def _model_name(tool: str) -> str:
    return "".join(part.capitalize() for part in tool.split("_")) + "Input"
