"""Library tests share messaging's `team` (two humans, the first an admin, and two agents the
admin owns), with open registration so the second human can sign up."""

from __future__ import annotations

from tests.server_core.features.messaging.conftest import settings_overrides as settings_overrides
from tests.server_core.features.messaging.conftest import team as team
