"""A client for a LibreTranslate-compatible machine-translation server the center runs itself.

The protocol: `GET /languages` lists `{"code", "name", "targets"}` per source language, and
`POST /translate` with `q`, `source`, `target`, `format` (and `api_key` when the server wants
one) answers `{"translatedText": ...}`. Every failure (no answer in time, a refused connection,
a 4xx or 5xx answer, an answer that is not the protocol's JSON, a pair the server does not
translate) is one `TranslatorError`, so callers have one thing to catch. Plain Python: no Django.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

# Karvan's language codes as LibreTranslate spells them (older servers say "zh", newer "zh-Hans").
_SERVER_CODES = {"zh-hans": ("zh-Hans", "zh"), "fa": ("fa",), "ar": ("ar",), "en": ("en",)}


class TranslatorError(Exception):
    """The server could not translate the text (`reason` says why, for logs and the cache)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TranslatorClient:
    url: str
    timeout: float = 10.0
    api_key: str = ""

    def _call(self, path: str, payload: dict[str, str] | None = None) -> object:
        data = None
        headers = {"Accept": "application/json"}
        if payload is not None:
            if self.api_key:
                payload = {**payload, "api_key": self.api_key}
            data = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 - the center's own configured server
            f"{self.url.rstrip('/')}{path}", data=data, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(2_000_000)
        except urllib.error.HTTPError as error:
            raise TranslatorError(f"the server answered {error.code}") from error
        except TimeoutError as error:
            raise TranslatorError("no answer in time") from error
        except (urllib.error.URLError, OSError) as error:
            raise TranslatorError(f"the server cannot be reached: {error}") from error
        try:
            return json.loads(body)
        except ValueError as error:
            raise TranslatorError("the answer is not JSON") from error

    def languages(self) -> dict[str, frozenset[str]]:
        """The server's source languages, each with the targets it translates into."""
        answer = self._call("/languages")
        if not isinstance(answer, list):
            raise TranslatorError("the language list is not a list")
        languages: dict[str, frozenset[str]] = {}
        for entry in answer:
            if isinstance(entry, dict) and isinstance(entry.get("code"), str):
                targets = entry.get("targets")
                languages[entry["code"]] = frozenset(
                    str(code) for code in (targets if isinstance(targets, list) else [])
                )
        return languages

    def server_pair(self, source: str, target: str) -> tuple[str, str]:
        """The pair in the server's codes; raise TranslatorError when it does not translate it."""
        languages = self.languages()

        def spelled(code: str) -> str | None:
            return next((c for c in _SERVER_CODES.get(code, (code,)) if c in languages), None)

        server_source = "auto" if source == "auto" else spelled(source)
        server_target = spelled(target)
        if server_source is None or server_target is None:
            raise TranslatorError(f"the server does not translate {source} into {target}")
        targets = languages.get(server_source, frozenset())
        if server_source != "auto" and targets and server_target not in targets:
            raise TranslatorError(f"the server does not translate {source} into {target}")
        return server_source, server_target

    def translate(self, text: str, *, source: str, target: str) -> str:
        """The text in `target` (Karvan's codes; `source` may be "auto")."""
        server_source, server_target = self.server_pair(source, target)
        answer = self._call(
            "/translate",
            {"q": text, "source": server_source, "target": server_target, "format": "text"},
        )
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, str):
            raise TranslatorError("the answer holds no translatedText")
        return translated
