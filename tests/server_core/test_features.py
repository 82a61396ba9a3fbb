"""The feature inventory: every declared operation is served, reachable from the SDK under its
own name, and documented; names and codes are unique."""

from __future__ import annotations

import importlib
from typing import Any

from server_core.features import NAMES, features
from server_core.kernel.errors import ApiError
from server_core.kernel.operations import Operation, Operations
from sesame_mcp.client import SesameClient


def declared(name: str) -> list[type[Operations]]:
    """The `Operations` classes a feature's operations module declares, if it has one."""
    try:
        module = importlib.import_module(f"server_core.features.{name}.operations")
    except ModuleNotFoundError:
        return []
    areas = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Operations) and value is not Operations
    ]
    # A part declared in a module of its own and inherited by the area is not an area itself.
    return [area for area in areas if not any(area in other.__bases__ for other in areas)]


def test_the_inventory_lists_every_feature_folder_once() -> None:
    assert [feature.name for feature in features()] == list(NAMES)


def test_every_declared_operation_is_served_once_by_its_feature() -> None:
    for feature in features():
        operations = [op for area in declared(feature.name) for op in area.operations()]
        assert set(feature.serves) == set(operations), feature.name
        assert len(operations) == len(set(operations)), feature.name


def test_every_area_is_a_client_attribute_offering_each_operation_by_name() -> None:
    client = SesameClient("http://sesame", api_key="sk_live_x")
    for feature in features():
        for area in declared(feature.name):
            found: Any = getattr(client, area.area)
            assert isinstance(found, area), area.area
            for operation in area.operations():
                assert callable(getattr(found, operation.name)), operation


def test_operation_ids_and_error_codes_are_unique() -> None:
    served: list[Operation[Any]] = [op for feature in features() for op in feature.serves]
    ids = [f"{op.area}_{op.name}" for op in served]
    assert len(ids) == len(set(ids))
    routes = [(op.method, op.path) for op in served]
    assert len(routes) == len(set(routes))
    codes: dict[str, type[ApiError]] = {}
    for feature in features():
        for error in feature.errors:
            assert codes.setdefault(error.code, error) is error or error.code == "not_found", error
