"""What the MCP server exposes, decided in one place: toolsets, read-only mode and the aliases
of renamed tools.

A toolset module declares `TOOLSET = Toolset(name, description, default=...)` and its tools
with `@TOOLSET.tool(...)`. A tool is an async function `(args, ctx) -> output`:

- `args` is a `ToolInput`: every field described, unknown fields refused, a flat schema;
- the output is a `ToolOutput`: structured content with an output schema, plus the short
  text its `render()` returns;
- a failure raises `ToolFailure` (or lets a `SesameError` through): the agent gets an error
  result whose text says what to do next, never a protocol error;
- a tool that must ask the client first (2026-07-28 elicitation) raises `InputRequired`: the
  call answers with its `InputRequiredResult`, and the client calls again with the answers.
"""

from __future__ import annotations

import abc
import copy
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_type_hints

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import CallToolResult, InputRequiredResult, TextContent, ToolAnnotations
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic.fields import FieldInfo

from sesame_mcp.client import SesameError
from sesame_mcp.failures import explain
from sesame_mcp.state import sesame
from sesame_mcp.tool_schemas import input_schema, output_schema

if TYPE_CHECKING:
    from sesame_mcp.state import Sesame


class ToolInput(ArgModelBase):
    """A tool's arguments: unknown fields are refused (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid")


def tool_input(
    name: str,
    model: type[BaseModel],
    *,
    omit: Iterable[str] = (),
    descriptions: Mapping[str, str] | None = None,
    **extra: Any,
) -> type[ToolInput]:
    """A tool's arguments built from a platform request model: its fields under their Python
    names, with the same types, limits and validators, so the tool cannot accept what the
    platform refuses (or refuse what it accepts). `descriptions` words fields for the agent
    (every field must end up described); `extra` adds fields the tool layers on top, such as a
    `channel` reference, as `name=(type, Field(...))`."""
    wording = dict(descriptions or {})
    fields: dict[str, Any] = {
        field_name: described_field(name, model, field_name, wording)
        for field_name in model.model_fields
        if field_name not in omit
    }
    if wording:
        raise TypeError(f"{name}: descriptions of fields it does not have: {sorted(wording)}")
    fields.update(extra)
    derived: type[ToolInput] = create_model(name, __base__=ToolInput, **fields)
    return derived


def described_field(
    tool: str, model: type[BaseModel], field_name: str, wording: dict[str, str]
) -> tuple[Any, FieldInfo]:
    """A request model's field for a tool's arguments: same type, limits and validators, no
    wire alias, described by `wording[field_name]` (taken out of it) or by its own words."""
    info = model.model_fields[field_name]
    field = copy.copy(info)
    field.alias = field.validation_alias = field.serialization_alias = None
    field.alias_priority = None
    field.description = wording.pop(field_name, None) or field.description
    if not field.description:
        raise TypeError(f"{tool}: describe {model.__name__}.{field_name} for the agent")
    return info.annotation, field


class View(BaseModel):
    """A compact view of a platform record, read from the record's attributes of the same
    names (`LeaseView.model_validate(lease)`): each field is named once."""

    model_config = ConfigDict(from_attributes=True)


class ToolOutput(View):
    """A tool's structured result; `render()` is the short text shown next to it. Field
    descriptions document the models for readers and SDK users; the output schema sent to
    clients leaves them out (see `bare`)."""

    @abc.abstractmethod
    def render(self) -> str: ...


class ToolFailure(Exception):
    """A failure the agent can act on: the message says what went wrong and what to do."""


class InputRequired(Exception):
    """The tool needs the client's input before it can go on (2026-07-28): the call answers
    with `result`, and the client calls again with the answers (`ctx.input_responses`) and
    the result's `request_state` (`ctx.request_state`, sealed by the SDK on the way)."""

    def __init__(self, result: InputRequiredResult) -> None:
        super().__init__("input required")
        self.result = result


Handler = Callable[[Any, Context], Awaitable[ToolOutput]]
# Registers resources or prompts on the server; given the shared state too when it asks for it
# (static resources have no request context to find the state in).
Extras = Callable[[MCPServer], None] | Callable[[MCPServer, "Sesame"], None]
# Completion values for an argument: (shared state, the partial value) -> candidates.
Completer = Callable[["Sesame", str], Awaitable[list[str]]]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    handler: Handler
    input_model: type[ToolInput]
    output_model: type[ToolOutput]
    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool
    toolset: str
    # Stores secrets on purpose (vault items): exempt from the outbound guard.
    carries_secrets: bool = False
    # What to do next after a platform error, by code (the toolset's).
    next_steps: Mapping[str, str] = field(default_factory=dict)

    def annotations(self) -> ToolAnnotations:
        # No title here: the tool's own `title` says it once. The destructive and idempotent
        # hints mean something only for a tool that writes (the MCP schema says so), so a read
        # tool leaves them out: they would cost every tools/list a few tokens for nothing.
        if self.read_only:
            return ToolAnnotations(read_only_hint=True, open_world_hint=self.open_world)
        return ToolAnnotations(
            read_only_hint=False,
            destructive_hint=self.destructive,
            idempotent_hint=self.idempotent,
            open_world_hint=self.open_world,
        )


@dataclass
class Toolset:
    """A platform area's tools (and its resources and prompts, registered by `extras`)."""

    name: str
    description: str
    default: bool
    # What to do next after a platform error of this area, by its code (see failures.py).
    next_steps: Mapping[str, str] = field(default_factory=dict)
    tools: list[ToolSpec] = field(default_factory=list)
    extras: list[Extras] = field(default_factory=list)
    completers: dict[str, Completer] = field(default_factory=dict)

    def tool(
        self,
        *,
        title: str,
        read_only: bool,
        destructive: bool = False,
        idempotent: bool = False,
        open_world: bool = False,
        carries_secrets: bool = False,
        arguments: type[ToolInput] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Declare a tool: the function's name is the tool's, its docstring the description,
        its `args` annotation the input model and its return annotation the output model.

        The hints are claims hosts act on (confirming destructive calls, retrying idempotent
        ones), so they must be true: `destructive` when the call may remove or overwrite
        something, `idempotent` when repeating it with the same arguments changes nothing
        more. `open_world` stays False: tools only reach the Sesame platform, a closed system
        whose principals and channels are known, never the open web.

        Every string argument of a tool that writes is checked against the secrets this
        server revealed (see `sesame_mcp.guard`); `carries_secrets` exempts a tool whose
        purpose is to store secrets in the vault.

        `arguments` gives the input model when it is derived (`tool_input`) rather than a class
        the handler's `args` annotation can name."""

        def declare(handler: Handler) -> Handler:
            hints = get_type_hints(handler)
            self.tools.append(
                ToolSpec(
                    name=handler.__name__,
                    title=title,
                    description=_description(handler),
                    handler=handler,
                    input_model=arguments or hints["args"],
                    output_model=hints["return"],
                    read_only=read_only,
                    destructive=destructive and not read_only,
                    idempotent=idempotent or read_only,
                    open_world=open_world,
                    toolset=self.name,
                    carries_secrets=carries_secrets,
                    next_steps=self.next_steps,
                )
            )
            return handler

        return declare

    def extra(self, register: Extras) -> Extras:
        """Declare resources or prompts this toolset brings: `register(server)`, or
        `register(server, state)` when it needs the shared state."""
        self.extras.append(register)
        return register

    def completer(self, *arguments: str) -> Callable[[Completer], Completer]:
        """Declare how to complete the prompt and resource-template arguments so named. The
        server has one completion handler: it asks the completers of the chosen toolsets."""

        def declare(complete: Completer) -> Completer:
            for argument in arguments:
                self.completers[argument] = complete
            return complete

        return declare


def run_extra(register: Extras, server: MCPServer, state: Sesame) -> None:
    """Call an extras function with the arguments it takes."""
    if len(inspect.signature(register).parameters) >= 2:
        register(server, state)  # type: ignore[call-arg]
    else:
        register(server)  # type: ignore[call-arg]


# Renamed tools: old name → current name. Hosts with saved permissions or prompts that name
# the old tool keep working: the old name is registered too, hidden behind the new one.
ALIASES: dict[str, str] = {}


class UnknownToolset(ValueError):
    pass


def select(
    toolsets: Sequence[Toolset], enabled: Iterable[str] | None, *, read_only: bool
) -> list[ToolSpec]:
    """The tools to expose: the default toolsets (or `enabled`; `all` for every one), without
    the tools that write when `read_only`."""
    chosen = choose(toolsets, enabled)
    return [spec for toolset in chosen for spec in toolset.tools if spec.read_only or not read_only]


def choose(toolsets: Sequence[Toolset], names: Iterable[str] | None) -> list[Toolset]:
    """The toolsets `names` name (the defaults when None; `default` for those among others,
    `all` for every one), in the order given. Raises UnknownToolset for a name that is none."""
    defaults = [toolset.name for toolset in toolsets if toolset.default]
    if names is None:
        names = defaults
    listed = [name.strip() for name in names if name.strip()]
    if "all" in listed:
        return list(toolsets)
    listed = [n for name in listed for n in (defaults if name == "default" else [name])]
    by_name = {toolset.name: toolset for toolset in toolsets}
    unknown = [name for name in listed if name not in by_name]
    if unknown:
        known = ", ".join([*sorted(by_name), "all", "default"])
        raise UnknownToolset(f"unknown toolset {', '.join(unknown)}; known: {known}")
    return [by_name[name] for name in dict.fromkeys(listed)]


def mcp_tool(spec: ToolSpec, name: str | None = None) -> Tool:
    """The SDK's tool for a spec: the input model as the (flat) argument model, the output
    model as the output schema, failures as error results."""

    guarded = not spec.read_only and not spec.carries_secrets

    async def call(ctx: Context, **arguments: Any) -> CallToolResult | InputRequiredResult:
        if (mistake := arguments.get(INVALID_ARGUMENTS)) is not None:
            return failed(f"{spec.name} refused its arguments: {mistake}")
        sent = arguments.pop(SENT_ARGUMENTS, None)
        # Validated already; `model_fields_set` says which the client gave (a PATCH sends those).
        args = spec.input_model.model_construct(_fields_set=sent, **arguments)
        if guarded and (leak := sesame(ctx).guard.leak(arguments)) is not None:
            return failed(
                f"{spec.name} refused: the text contains a secret this server revealed "
                f"({leak}). Secrets must not be posted; refer to the vault item instead, or "
                "share it with share_vault_item."
            )
        try:
            output = await spec.handler(args, ctx)
        except ToolFailure as failure:
            return failed(str(failure))
        except InputRequired as needed:
            return needed.result
        except SesameError as error:
            return failed(explain(error, spec.name, spec.next_steps))
        return CallToolResult(
            content=[TextContent(type="text", text=output.render())],
            structured_content=output.model_dump(mode="json", by_alias=True),
        )

    metadata = _Arguments(arg_model=spec.input_model, output_model=spec.output_model)
    metadata.output_schema = output_schema(metadata.output_schema)
    return Tool(
        fn=call,
        name=name or spec.name,
        title=spec.title,
        description=spec.description,
        parameters=input_schema(spec.input_model.model_json_schema(by_alias=True)),
        fn_metadata=metadata,
        is_async=True,
        context_kwarg="ctx",
        annotations=spec.annotations(),
    )


# Where `_Arguments` puts what was wrong with a call's arguments, for `call` to answer, and
# the names of the arguments the client gave (the SDK hands on defaults too).
INVALID_ARGUMENTS = "__invalid_arguments__"
SENT_ARGUMENTS = "__sent_arguments__"


class _Arguments(FuncMetadata):
    """A tool's argument model that reports a mistake as a sentence naming each argument, for
    the tool to answer as an error result the model can correct (the SDK would pass on
    pydantic's text: the model's name, the input echoed and a documentation URL)."""

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        try:
            validated = super().validate_arguments(arguments_to_validate)
        except ValidationError as error:
            return {INVALID_ARGUMENTS: argument_mistakes(error)}
        validated[SENT_ARGUMENTS] = set(arguments_to_validate) & set(self.arg_model.model_fields)
        return validated


def argument_mistakes(error: ValidationError) -> str:
    """`content: String should have at most 32000 characters; colour: not an argument of this
    tool. Next: …`"""
    said = []
    for problem in error.errors(include_url=False, include_input=False, include_context=False):
        where = ".".join(str(part) for part in problem["loc"]) or "arguments"
        if problem["type"] == "missing":
            said.append(f"{where}: required")
        elif problem["type"] == "extra_forbidden":
            said.append(f"{where}: not an argument of this tool")
        else:
            said.append(f"{where}: {problem['msg']}")
    return "; ".join(said) + ". Next: correct them as the tool's input schema says."


def failed(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def _description(handler: Handler) -> str:
    doc = handler.__doc__ or ""
    return " ".join(line.strip() for line in doc.strip().splitlines() if line.strip())
