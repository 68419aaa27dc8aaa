"""Checks on the self-hosted front-end assets in src/karvan/static/vendor.

Karvan's users are in Iran and China, where CDNs and Google Fonts are blocked
or slow, so every asset must be served by Karvan itself. These tests guard the
vendored files (see vendor/README.md) without importing Django.
"""

import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).parents[2] / "src/karvan/static/vendor"
FONTS_CSS = VENDOR / "fonts" / "fonts.css"

URL_RE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.S)
COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)


def _css_without_comments(path: Path) -> str:
    return COMMENT_RE.sub("", path.read_text(encoding="utf-8"))


def _vendored(*suffixes: str) -> list[Path]:
    return sorted(p for p in VENDOR.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_fonts_css_urls_resolve_to_existing_files():
    urls = [m.group(2) for m in URL_RE.finditer(_css_without_comments(FONTS_CSS))]
    assert urls, "fonts.css declares no url(...)"
    missing = []
    for url in urls:
        target = (FONTS_CSS.parent / url).resolve()
        # must stay inside the vendor folder and exist
        if VENDOR.resolve() not in target.parents or not target.is_file():
            missing.append(url)
    assert not missing, f"fonts.css references missing files: {missing}"


def test_fonts_css_only_uses_woff2():
    urls = [m.group(2) for m in URL_RE.finditer(_css_without_comments(FONTS_CSS))]
    assert all(u.endswith(".woff2") for u in urls)


@pytest.mark.parametrize("family", ["Vazirmatn", "Noto Naskh Arabic", "Noto Sans SC"])
def test_font_family_declared(family):
    css = _css_without_comments(FONTS_CSS)
    pattern = re.compile(r"font-family:\s*['\"]" + re.escape(family) + r"['\"]")
    assert pattern.search(css), f"{family!r} has no @font-face in fonts.css"


def test_every_font_face_swaps_and_has_unicode_range():
    css = _css_without_comments(FONTS_CSS)
    faces = re.findall(r"@font-face\s*\{(.*?)\}", css, re.S)
    assert faces
    for body in faces:
        assert "font-display: swap" in body, body
        assert "unicode-range:" in body, body


@pytest.mark.parametrize(
    "relpath",
    [
        "bootstrap/css/bootstrap.min.css",
        "bootstrap/css/bootstrap.rtl.min.css",
        "bootstrap/js/bootstrap.bundle.min.js",
        "htmx/htmx.min.js",
        "fonts/fonts.css",
    ],
)
def test_core_asset_exists(relpath):
    path = VENDOR / relpath
    assert path.is_file() and path.stat().st_size > 0, f"missing {relpath}"


def test_no_source_map_comments():
    offenders = [
        str(p.relative_to(VENDOR))
        for p in _vendored(".js", ".css")
        if "sourceMappingURL" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, f"sourceMappingURL left in: {offenders}"


def test_css_has_no_import_and_no_remote_url():
    css_files = _vendored(".css")
    assert css_files
    for path in css_files:
        css = _css_without_comments(path)
        assert "@import" not in css, f"@import in {path.relative_to(VENDOR)}"
        remote = [
            m.group(2)
            for m in URL_RE.finditer(css)
            if re.match(r"\s*(https?:)?//", m.group(2), re.I)
        ]
        assert not remote, f"remote url(...) in {path.relative_to(VENDOR)}: {remote}"
