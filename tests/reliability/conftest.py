"""The live server of the gateway tests (the real app on uvicorn, a workspace seeded over REST)
serves the reliability checks too, with its guard that the server logs no error."""

from __future__ import annotations

from tests.server_core.gateway.conftest import live as live
from tests.server_core.gateway.conftest import no_errors_logged as no_errors_logged
from tests.server_core.gateway.conftest import world as world
