"""A real OpenAI-compatible embeddings endpoint for the semantic search tests: `http.server` in
a thread answering `POST /v1/embeddings` with deterministic vectors.

A text's vector is a hashed bag of its words (`DIMS` dimensions, each word adding 1 at the
index its hash picks), after `SYNONYMS` maps some words onto one concept: so "automobile" is
as near "car" as "car" itself, while full text sees two different words. The test sets
`status` to make it fail, or `refuse` to have it refuse the batches holding a word, and reads
`requests` to see what it was asked.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

DIMS = 64
SYNONYMS = {
    "automobile": "car",
    "vehicle": "car",
    "repairs": "maintenance",
    "servicing": "maintenance",
    "feline": "cat",
    "kitten": "cat",
}


def vector_of(text: str) -> list[float]:
    vector = [0.0] * DIMS
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        concept = SYNONYMS.get(word, word)
        index = int.from_bytes(hashlib.sha256(concept.encode()).digest()[:4], "big") % DIMS
        vector[index] += 1.0
    length = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / length for value in vector]


@dataclass
class EmbeddingsServer:
    status: int = 200
    refuse: str | None = None  # a batch with a text holding this is answered 400
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The API's base URL, as `embedding_api_url` takes it."""
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def texts(self) -> list[str]:
        return [text for request in self.requests for text in request["input"]]

    def start(self) -> EmbeddingsServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path != "/v1/embeddings":
                    self._answer(404, {"error": "not found"})
                    return
                request = orjson.loads(body)
                fake.requests.append(request)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if fake.status != 200:
                    self._answer(fake.status, {"error": {"message": "overloaded"}})
                    return
                if fake.refuse and any(fake.refuse in text for text in request["input"]):
                    self._answer(400, {"error": {"message": "input too long"}})
                    return
                items = [
                    {"object": "embedding", "index": i, "embedding": vector_of(text)}
                    for i, text in enumerate(request["input"])
                ]
                # Answered in reverse: the client must order them by index.
                self._answer(200, {"object": "list", "data": items[::-1], "model": "hash"})

            def _answer(self, status: int, answer: Any) -> None:
                payload = orjson.dumps(answer)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
