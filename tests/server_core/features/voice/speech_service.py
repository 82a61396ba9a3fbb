"""A stand-in OpenAI-compatible transcription service: an HTTP server on loopback that reads
the multipart upload as such a service does, records it, and answers with a verbose JSON
transcript (or the status it is told to answer)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Upload:
    path: str
    authorization: str | None
    fields: dict[str, str]
    file_name: str | None
    content_type: str | None
    audio: bytes


@dataclass
class SpeechService:
    base_url: str  # what `voice_api_url` is set to (…/v1)
    uploads: list[Upload] = field(default_factory=list)
    status: int = 200
    answer: dict[str, Any] = field(
        default_factory=lambda: {"text": " Hello from the recording. ", "language": "english"}
    )


def parse(
    content_type: str, body: bytes
) -> tuple[dict[str, str], tuple[str | None, str | None, bytes]]:
    """The form fields and the file part (name, type, bytes) of a multipart body."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    upload: tuple[str | None, str | None, bytes] = (None, None, b"")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            upload = (part.get_filename(), part.get_content_type(), payload)
        elif isinstance(name, str):
            fields[name] = payload.decode()
    return fields, upload


@contextmanager
def speech_service() -> Iterator[SpeechService]:
    service: SpeechService | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert service is not None
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            fields, (file_name, content_type, audio) = parse(self.headers["Content-Type"], body)
            service.uploads.append(
                Upload(
                    self.path,
                    self.headers.get("Authorization"),
                    fields,
                    file_name,
                    content_type,
                    audio,
                )
            )
            if self.path != "/v1/audio/transcriptions" or not audio:
                status, answer = 404, {"error": {"message": "not here"}}
            else:
                status, answer = service.status, {**service.answer, "duration": len(audio) / 32000}
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = SpeechService(f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
