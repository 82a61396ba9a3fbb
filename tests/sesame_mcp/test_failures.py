"""What tools say to do next names only error codes that exist, and each toolset's own steps
win over the common ones."""

from __future__ import annotations

from server_core.features import features
from server_core.kernel import errors as kernel_errors
from server_core.kernel.errors import ApiError
from sesame_mcp.client import SesameError
from sesame_mcp.client import errors as client_errors
from sesame_mcp.failures import COMMON_STEPS, explain
from sesame_mcp.toolsets import ALL_TOOLSETS


def known_codes() -> set[str]:
    kernel = {
        value.code
        for value in vars(kernel_errors).values()
        if isinstance(value, type) and issubclass(value, ApiError)
    }
    featured = {error.code for feature in features() for error in feature.errors}
    client = {client_errors.CONNECTION_FAILED, client_errors.TIMEOUT, client_errors.BAD_RESPONSE}
    return kernel | featured | client


def test_every_next_step_is_for_an_error_code_that_exists() -> None:
    codes = known_codes()
    assert set(COMMON_STEPS) <= codes
    for toolset in ALL_TOOLSETS:
        assert set(toolset.next_steps) <= codes, toolset.name


def test_a_toolsets_own_step_comes_first() -> None:
    error = SesameError("No such vault", status=404, code="not_found")
    vault_admin = next(t for t in ALL_TOOLSETS if t.name == "vault_admin")
    text = explain(error, "vault_info", vault_admin.next_steps)
    assert text.startswith("vault_info failed: No such vault (HTTP 404, not_found). Next: ")
    assert "vault_info lists your vaults" in text
    assert "list_channels" not in text
