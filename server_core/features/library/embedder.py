"""The embedder of semantic search: texts in, one vector each, from an OpenAI-compatible
endpoint (`POST {embedding_api_url}/embeddings` with `{"model", "input": [texts]}`, answered
`{"data": [{"embedding": [...], "index": i}, …]}`: OpenAI, Ollama, LocalAI, vLLM, text
embeddings servers and others answer it).

`embedder_for(settings)` is the configured one, or None when semantic search is off. It
raises `EmbedderFailed` when the endpoint did not answer usefully now (unreachable, an error
status, an answer of the wrong shape): the embedding pass tries again on its next sweep, a
query answers 503 `embedding_unavailable`. `EmbedderRefused`, its kind for texts the endpoint
refuses (400, 413, 422), tells the pass to embed that batch's pages one by one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import httpx2

from server_core.config import Settings

# What of a page is embedded: its title, then the start of its body.
EMBEDDED_BODY_CHARS = 6000
PERMANENT = (400, 413, 422)  # the endpoint refuses these texts whatever the moment


class EmbedderFailed(Exception):
    """The endpoint did not answer with the vectors asked for; worth another try later."""


class EmbedderRefused(EmbedderFailed):
    """The endpoint refused the texts themselves (too long, say): asking again will not help."""


def page_text(title: str, body: str) -> str:
    """The text of a page that is embedded."""
    return f"{title}\n\n{body[:EMBEDDED_BODY_CHARS]}".strip()


def embedder_for(settings: Settings) -> Embedder | None:
    """The configured embedder (one per setting values), or None: semantic search is off."""
    if settings.embedding_engine != "openai":
        return None
    key = settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None
    return _openai(
        settings.embedding_api_url,
        key,
        settings.embedding_model,
        settings.embedding_timeout_seconds,
    )


@cache
def _openai(url: str, key: str | None, model: str, timeout: float) -> Embedder:
    return Embedder(url, key, model, timeout)


class Embedder:
    """An OpenAI-compatible embeddings endpoint and the model it is asked for."""

    def __init__(self, base_url: str, key: str | None, model: str, timeout: float) -> None:
        self.url = base_url.rstrip("/") + "/embeddings"
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.model = model
        self.timeout = timeout

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in the texts' order; raises `EmbedderFailed`."""
        if not texts:
            return []
        try:
            async with httpx2.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(
                    self.url,
                    headers=self.headers,
                    json={"model": self.model, "input": list(texts)},
                )
        except httpx2.HTTPError as error:
            raise EmbedderFailed(
                f"The embeddings endpoint is unreachable: {type(error).__name__}"
            ) from error
        if response.status_code in PERMANENT:
            raise EmbedderRefused(
                f"The embeddings endpoint refused the texts ({response.status_code})"
            )
        if response.status_code != 200:
            raise EmbedderFailed(f"The embeddings endpoint answered {response.status_code}")
        try:
            answer = response.json()
            return _vectors(answer["data"], len(texts))
        except (ValueError, KeyError, TypeError) as error:
            raise EmbedderFailed(
                f"The embeddings endpoint's answer is not usable: {error}"
            ) from error


def _vectors(items: Any, count: int) -> list[list[float]]:
    """The vectors of an answer's `data`, ordered by `index`: one per text, of one length,
    finite numbers."""
    if not isinstance(items, list) or len(items) != count:
        raise ValueError(f"{count} vectors expected")
    ordered: list[list[float] | None] = [None] * count
    for position, item in enumerate(items):
        index = item.get("index", position)
        if not isinstance(index, int) or not 0 <= index < count or ordered[index] is not None:
            raise ValueError("the vectors' indexes do not match the texts")
        vector = [float(value) for value in item["embedding"]]
        if not vector or not all(math.isfinite(value) for value in vector):
            raise ValueError("a vector is empty or not finite")
        ordered[index] = vector
    vectors = [vector for vector in ordered if vector is not None]
    if len({len(vector) for vector in vectors}) != 1:
        raise ValueError("the vectors differ in length")
    return vectors
