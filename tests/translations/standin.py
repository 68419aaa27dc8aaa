"""A stand-in LibreTranslate server for tests: the same HTTP protocol, on a free local port.

It "translates" by looking the text up in a table given by the test (or by tagging it with the
target language), and can be told to misbehave: answer slowly (a timeout), answer 500, or not
translate a language pair, as a real server may.
"""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LANGUAGES = ("en", "fa", "ar", "zh-Hans")


@dataclass
class StandIn:
    url: str = ""
    table: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Pairs the server does not translate, in its codes: ("fa", "zh-Hans").
    refused_pairs: set[tuple[str, str]] = field(default_factory=set)
    delay: float = 0.0
    status: int = 200
    requests: list[dict[str, object]] = field(default_factory=list)

    def translated(self, text: str, target: str) -> str:
        return self.table.get((text, target), f"[{target}] {text}")


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path != "/languages":
                self._answer(404, {"error": "Not Found"})
                return
            self._answer(
                200,
                [
                    {
                        "code": code,
                        "name": code,
                        "targets": [
                            t
                            for t in LANGUAGES
                            if t != code and (code, t) not in state.refused_pairs
                        ],
                    }
                    for code in LANGUAGES
                ],
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(payload)
            if self.path != "/translate":
                self._answer(404, {"error": "Not Found"})
                return
            if state.delay:
                time.sleep(state.delay)
            if state.status != 200:
                self._answer(state.status, {"error": "Internal Server Error"})
                return
            pair = (payload.get("source"), payload.get("target"))
            if pair in state.refused_pairs:
                self._answer(400, {"error": f"{pair[0]} is not supported"})
                return
            self._answer(200, {"translatedText": state.translated(payload["q"], payload["target"])})

    return Handler


@contextmanager
def stand_in_translator() -> Iterator[StandIn]:
    """A running stand-in on 127.0.0.1 and a free port, stopped afterwards."""
    state = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
