"""`/docs` works offline: the page loads Swagger UI from this server, never from a CDN."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx2
import pytest

from server_core.app import create_app
from server_core.kernel.platform import Platform

pytestmark = pytest.mark.anyio

# What the page loads: stylesheets and icons, scripts, and the OpenAPI document.
REFERENCES = re.compile(r"""(?:href|src)="([^"]+)"|url: '([^']+)'""")


@pytest.fixture
async def root_client(platform: Platform) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=create_app(platform=platform))
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_the_docs_page_references_nothing_outside_this_server(
    root_client: httpx2.AsyncClient,
) -> None:
    page = await root_client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "://" not in page.text
    references = [href or url for href, url in REFERENCES.findall(page.text)]
    assert {"/openapi.json"} < set(references)
    assert any(reference.endswith(".js") for reference in references)
    assert any(reference.endswith(".css") for reference in references)
    for reference in references:
        assert reference.startswith("/"), reference
        assert not reference.startswith("//"), reference  # another host, by the page's scheme
        asset = await root_client.get(reference)
        assert asset.status_code == 200, reference
        assert asset.content, reference


async def test_the_assets_are_swagger_ui_5_which_reads_openapi_3_1(
    root_client: httpx2.AsyncClient,
) -> None:
    page = (await root_client.get("/docs")).text
    script = next(src for src in re.findall(r'src="([^"]+)"', page) if "swagger-ui" in src)
    bundle = (await root_client.get(script)).text
    assert "SwaggerUIBundle" in bundle
    assert re.search(r'"5\.\d+\.\d+"', bundle)
    assert (await root_client.get("/openapi.json")).json()["openapi"].startswith("3.1")
