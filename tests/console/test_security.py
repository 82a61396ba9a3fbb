"""The console's guards, over HTTP: CSRF on every form, the cookies' flags, the content
security policy with no inline script, pages for signed-in humans only (an agent's key is
refused), an expired access token refreshed, and no open redirect after sign-in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from server_core.app import create_app
from server_core.kernel.platform import Platform
from tests.helpers import PASSWORD, api_key_for, data, provision_agent, register

pytestmark = pytest.mark.anyio

PAGES = [
    "/agents",
    "/channels",
    "/approvals",
    "/tasks",
    "/schedule",
    "/mission-control",
    "/sessions",
    "/library",
    "/drive",
]


@dataclass
class Site:
    browser: httpx2.AsyncClient  # keeps cookies, like a browser
    api: httpx2.AsyncClient  # the REST API
    admin: dict[str, Any]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def sign_in(
    browser: httpx2.AsyncClient, password: str = PASSWORD, **extra: str
) -> httpx2.Response:
    csrf = _csrf((await browser.get("/login")).text)
    return await browser.post(
        "/login",
        data={"csrf": csrf, "email": "ada@example.com", "password": password, **extra},
    )


def replace_cookie(browser: httpx2.AsyncClient, name: str, value: str) -> None:
    """Put `value` in place of the cookie the site set (same domain and path)."""
    domain = next(cookie.domain for cookie in browser.cookies.jar if cookie.name == name)
    browser.cookies.delete(name)
    browser.cookies.set(name, value, domain=domain, path="/")


@pytest.fixture
async def site(platform: Platform) -> AsyncIterator[Site]:
    transport = httpx2.ASGITransport(app=create_app(platform=platform))
    async with (
        httpx2.AsyncClient(transport=transport, base_url="http://test") as browser,
        httpx2.AsyncClient(transport=transport, base_url="http://test/api/v1") as api,
    ):
        yield Site(browser, api, await register(api))


async def test_pages_need_a_signed_in_human(site: Site) -> None:
    for path in PAGES:
        answer = await site.browser.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, f"/login?next={path}")
    key = await api_key_for(
        site.api,
        site.admin["accessToken"],
        (await provision_agent(site.api, site.admin["accessToken"]))["id"],
    )
    site.browser.cookies.set("sesame_session", key)
    refused = await site.browser.get("/agents")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/login?next=/agents&note=")
    note = await site.browser.get(refused.headers["location"])
    assert "The console is for humans" in note.text
    wrong = await sign_in(site.browser, password="not it")
    assert wrong.status_code == 401
    assert "Invalid email or password" in wrong.text


async def test_sign_in_sets_safe_cookies_and_pages_carry_the_policy(site: Site) -> None:
    answer = await sign_in(site.browser)
    assert (answer.status_code, answer.headers["location"]) == (303, "/agents")
    set_cookies = answer.headers.get_list("set-cookie")
    for name in ("sesame_session", "sesame_refresh"):
        [cookie] = [c for c in set_cookies if c.startswith(f"{name}=")]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # served over http here
    for path in PAGES:
        page = await site.browser.get(path)
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert page.headers["cache-control"] == "no-store"
        scripts = re.findall(r"<script[^>]*>", page.text)
        assert scripts
        assert all("src=" in tag for tag in scripts)  # no inline script


async def test_https_cookies_are_secure(platform: Platform) -> None:
    transport = httpx2.ASGITransport(app=create_app(platform=platform))
    async with (
        httpx2.AsyncClient(transport=transport, base_url="https://test") as browser,
        httpx2.AsyncClient(transport=transport, base_url="https://test/api/v1") as api,
    ):
        await register(api)
        answer = await sign_in(browser)
    cookies = [c for c in answer.headers.get_list("set-cookie") if c.startswith("sesame_")]
    assert cookies
    assert all("Secure" in cookie for cookie in cookies)


async def test_every_form_needs_its_csrf_token(site: Site) -> None:
    await sign_in(site.browser)
    token = site.admin["accessToken"]
    agent = await provision_agent(site.api, token, "keeper")
    forms = [
        ("/agents", {"handle": "sneaky"}),
        (f"/agents/{agent['id']}", {"action": "archive"}),
        ("/channels", {"name": "sneaky"}),
        ("/approvals", {"leaseId": "x", "decision": "approve"}),
        ("/library", {"name": "sneaky"}),
        ("/drive", {"name": "sneaky"}),
        ("/logout", {}),
    ]
    for path, fields in forms:
        for csrf in (None, "forged"):
            body = fields if csrf is None else {**fields, "csrf": csrf}
            answer = await site.browser.post(path, data=body)
            assert answer.status_code == 403, path
    listed = data(await site.api.get("/agents", headers={"Authorization": f"Bearer {token}"}))
    assert [(a["handle"], a["isActive"]) for a in listed] == [("keeper", True)]
    assert data(await site.api.get("/library", headers={"Authorization": f"Bearer {token}"})) == []
    assert (await site.browser.get("/agents")).status_code == 200  # still signed in


async def test_an_expired_access_token_is_refreshed(site: Site) -> None:
    await sign_in(site.browser)
    refresh = site.browser.cookies["sesame_refresh"]
    replace_cookie(site.browser, "sesame_session", "expired-or-garbage")
    page = await site.browser.get("/agents")
    assert page.status_code == 200
    assert site.browser.cookies["sesame_refresh"] != refresh  # rotated
    assert (await site.browser.get("/channels")).status_code == 200
    replace_cookie(site.browser, "sesame_session", "expired-or-garbage")
    replace_cookie(site.browser, "sesame_refresh", refresh)  # spent: the family is revoked
    assert (await site.browser.get("/agents")).status_code == 303


async def test_sign_in_never_redirects_off_the_site(site: Site) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "agents"):
        answer = await sign_in(site.browser, next=target)
        assert answer.headers["location"] == "/agents", target
    answer = await sign_in(site.browser, next="/approvals")
    assert answer.headers["location"] == "/approvals"


async def test_ids_and_page_paths_stay_inside_the_api(site: Site) -> None:
    token = site.admin["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    data(await site.api.post("/library", json={"name": "Handbook"}, headers=headers), 201)
    await sign_in(site.browser)
    for path in (
        "/library/%2e%2e",
        "/library/handbook/page/a/%2e%2e/%2e%2e/%2e%2e/%2e%2e/agents",
        "/library/handbook/page/a//b",
        "/drive/%2e%2e/download",
    ):
        answer = await site.browser.get(path)
        assert answer.status_code == 404, path
        assert "not found" in answer.text.lower(), path
