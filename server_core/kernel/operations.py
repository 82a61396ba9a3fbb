"""Platform operations, declared once.

An operation is data: its method and path, path parameters, request body and query models,
response model, success status, the errors it can answer, who may call it, and whether
repeating it is safe. Declarations live in each feature's `operations.py`, grouped in one
`Operations` class per client area (`Agents`, `Channels`, ...), and import no web framework
and no storage, so the SDK client can import them too.

Everything else is derived from a declaration:

- the route (`server_core.kernel.routing.bind`: parse, authenticate, open the right kind of
  transaction, call the feature's service, render the envelope),
- the OpenAPI entry with its error responses,
- the SDK method: in the client an `Operations` class is a base of the area's client class, and
  reading an operation from a client instance gives a bound async method
  (`await client.agents.create("scout")`) whose path and body come from this declaration.

A service answers an operation with its data, or with `Created(data, created)` when a create
can find what it would have created (201 when new, 200 otherwise), or with a `Page` for a paged
list (the envelope then carries `pagination`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import (
    Any,
    ClassVar,
    Generic,
    Literal,
    Protocol,
    TypeVar,
    get_args,
    get_origin,
    overload,
)

from pydantic import BaseModel

from server_core.kernel import errors as kernel_errors
from server_core.kernel.errors import ApiError
from server_core.kernel.wire import Page

R = TypeVar("R")
T = TypeVar("T")

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
# Who may call: anyone (the routes that hand out credentials), any authenticated principal,
# or humans only. Finer rules (owner, admin, member) are the service's to check.
Access = Literal["public", "principal", "human"]
# How the route runs its service: in a read transaction, a write transaction, or submitted to
# the store's write combiner (hot write paths, see kernel/store/combined.py).
Transaction = Literal["read", "write", "combined"]

# `{name}` is one path segment; `{name:path}` takes the rest of the path, slashes included.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::path)?\}")


@dataclass(frozen=True)
class PathParam:
    """A path parameter: its name in the path template (`{id}`), the keyword the service and
    the SDK call it by (`agent_id`), and its description."""

    wire: str
    name: str
    description: str
    max_length: int | None = None


@dataclass(frozen=True)
class Created(Generic[T]):
    """A create that may find what it would create: 201 when `created`, 200 otherwise."""

    data: T
    created: bool


@dataclass(frozen=True)
class Encoded:
    """An answer the service already put in its wire form (JSON-ready dicts and lists, keys
    camelCase): written out as it is. For large answers that repeat one object many times
    (every instance of a calendar carries its event), which encoding model by model would
    walk again for each."""

    data: Any


class Invoker(Protocol):
    """What an operation needs of the object it is read from to call itself: the SDK client's
    area classes implement it."""

    async def invoke(
        self, operation: Operation[Any], args: tuple[Any, ...], fields: dict[str, Any]
    ) -> Any: ...


class Operation(Generic[R]):
    """One REST operation of the platform, declared as an attribute of an `Operations` class.

    Defaults follow the method: GET reads, anything else writes; GET, PUT and DELETE are
    idempotent. `errors` lists the errors beyond the ones every operation of its kind can
    answer (a body: 400 and 413; a caller: 401; humans only: 403 human_only).
    """

    def __init__(
        self,
        method: Method,
        path: str,
        *,
        response: type[R],
        summary: str,
        params: Sequence[PathParam] = (),
        body: type[BaseModel] | None = None,
        body_required: bool = True,
        query: type[BaseModel] | None = None,
        status: int = 200,
        also: Mapping[int, str] | None = None,
        errors: Sequence[type[ApiError]] = (),
        access: Access = "principal",
        idempotent: bool | None = None,
        transaction: Transaction | None = None,
        order_by: str | None = None,
    ) -> None:
        placeholders = _PLACEHOLDER.findall(path)
        if sorted(placeholders) != sorted(param.wire for param in params):
            raise ValueError(f"{method} {path}: path parameters {placeholders} are not declared")
        if transaction == "combined" and order_by not in placeholders:
            raise ValueError(f"{method} {path}: a combined write orders by a path parameter")
        self.method = method
        self.path = path
        self.response = response
        self.summary = summary
        self.params = tuple(sorted(params, key=lambda param: placeholders.index(param.wire)))
        self.body = body
        self.body_required = body_required
        self.query = query
        self.status = status
        self.also = dict(also or {})
        self.errors = tuple(errors)
        self.access = access
        self.idempotent = method in ("GET", "PUT", "DELETE") if idempotent is None else idempotent
        self.transaction: Transaction = transaction or ("read" if method == "GET" else "write")
        self.order_by = order_by
        # Set when the class that declares it is created.
        self.name = ""
        self.area = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<Operation {self.area}.{self.name}: {self.method} {self.path}>"

    @property
    def paged(self) -> bool:
        """Whether it answers with a page of a list (`Page[...]`)."""
        return get_origin(self.response) is Page

    @property
    def item_type(self) -> Any:
        """For a paged operation, the type of its items."""
        return get_args(self.response)[0]

    def answers(self) -> dict[int, list[type[ApiError]]]:
        """The error classes it can answer, by status: the declared ones and the ones every
        operation of its kind can answer."""
        implied: list[type[ApiError]] = []
        if self.body is not None or self.query is not None or self.params:
            implied.append(kernel_errors.ValidationFailed)
        if self.body is not None:
            implied += [kernel_errors.MalformedJson, kernel_errors.PayloadTooLarge]
        if self.access != "public":
            implied += [
                kernel_errors.Unauthorized,
                kernel_errors.InvalidCredentials,
                kernel_errors.CredentialsExpired,
            ]
        if self.access == "human":
            implied.append(kernel_errors.HumanOnly)
        if self.access != "public" or kernel_errors.InvalidCredentials in self.errors:
            # Too many refused credentials from one address (`kernel.throttle`).
            implied.append(kernel_errors.RateLimited)
        by_status: dict[int, list[type[ApiError]]] = {}
        for error in (*implied, *self.errors):
            listed = by_status.setdefault(error.status, [])
            if error not in listed:
                listed.append(error)
        return dict(sorted(by_status.items()))

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Operation[R]: ...

    @overload
    def __get__(self, obj: Invoker, owner: type | None = None) -> Callable[..., Awaitable[R]]: ...

    def __get__(self, obj: Invoker | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        operation = self

        async def call(*args: Any, **fields: Any) -> R:
            result: R = await obj.invoke(operation, args, fields)
            return result

        call.__name__ = self.name
        call.__doc__ = self.summary
        return call


class Operations:
    """A client area's operations (`area` names it: `client.<area>`). Subclasses declare
    `Operation` attributes; `operations()` lists them in declaration order."""

    area: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "area" not in cls.__dict__:
            return  # a client class mixing an area in
        for value in cls.__dict__.values():
            if isinstance(value, Operation):
                value.area = cls.area

    @classmethod
    def operations(cls) -> list[Operation[Any]]:
        found: dict[str, Operation[Any]] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Operation):
                    found[name] = value
        return list(found.values())
