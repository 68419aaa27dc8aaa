"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test here is marked `browser`. Chromium is launched once and kept while the browser tests
run; each test gets a fresh context (its own cookies, locale and time zone). A page fails its test
if it requests anything from another host than the live server (no CDN, font service or
third-party script may load) or logs an error on the console. On failure the open pages are saved
as screenshots under tests/browser/artifacts/.

Playwright's sync API keeps an asyncio loop running in the test thread, where Django refuses ORM
calls and asgiref refuses `async_to_sync`. So DJANGO_ALLOW_ASYNC_UNSAFE is set only while Chromium
runs, and Playwright is stopped as soon as the last browser test of the run is done: the tests
that come after see a plain thread again.

The live server needs a transactional database, which Django empties after each test; the HS and
ISIC codes that every test database holds (tests/conftest.py) are loaded again after each browser
test, for the next browser test and for the rest of the suite.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
PASSWORD = "correct horse battery staple"  # tests/factories.py's UserFactory password

CHROMIUM = os.environ.get("KARVAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_ALL = os.environ.get("KARVAN_REQUIRE_ALL_TESTS") == "1"

DEFAULT_CONTEXT = {
    "locale": "en-GB",
    "timezone_id": "UTC",
    "viewport": {"width": 1280, "height": 900},
}

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
_GUARD = pytest.StashKey["PageGuard"]()
_DB_BLOCKER = pytest.StashKey[object]()


def _is_browser_test(item: pytest.Item | None) -> bool:
    return item is not None and HERE in Path(str(item.path)).parents


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser_context(**options): options of the test's browser context "
        "(locale, timezone_id, viewport…), added to the defaults",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


# --- Chromium, started once, stopped after the last browser test -------------------------------


class Chromium:
    """One Chromium for the browser tests; started on first use, stopped when they are done."""

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None
        self._async_unsafe_before: str | None = None

    def browser(self) -> object:
        if self._browser is None:
            self._start()
        return self._browser

    def _start(self) -> None:
        if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
            _unavailable(
                f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
                "or point KARVAN_CHROMIUM at the binary"
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            _unavailable("the playwright package is not installed: pip install -e '.[test]'")
        self._async_unsafe_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
        except Exception as error:
            self.stop()
            _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
            if self._async_unsafe_before is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._async_unsafe_before


def _unavailable(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"KARVAN_REQUIRE_ALL_TESTS=1 and {reason}", pytrace=False)
    pytest.skip(reason)


_CHROMIUM = Chromium()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.fixture
def browser(chromium: Chromium) -> object:
    """The session's Chromium (launched again if an earlier hook stopped it)."""
    return chromium.browser()


@pytest.fixture(autouse=True)
def _fresh_matching_index() -> Iterator[None]:
    """The live server's in-process matching index starts empty: the last test's rows are gone."""
    from karvan.matching.index_cache import reset_index

    reset_index()
    yield
    reset_index()


@pytest.fixture(scope="session")
def matching_engine() -> None:
    """The engine's one-off start (each language's reference mean: ~15 s on two cores), paid here.

    The first index in a process embeds a few dozen vocabulary lists; without this, the first
    publish or search of a test would wait that long inside a page.
    """
    from karvan.matching.engine import Listing, MatchingIndex
    from karvan.matching.index_cache import get_embedder

    embedder = get_embedder()
    listing = Listing(
        id="warm-up",
        side="offer",
        kind="product",
        language="en",
        country="IR",
        title="Pistachios",
        description="Pistachios",
    )
    MatchingIndex(embedder).upsert([listing], embedder.embed_passages(["Pistachios"]))


@pytest.fixture(autouse=True)
def _remember_db_blocker(request: pytest.FixtureRequest, django_db_blocker: object) -> None:
    request.node.stash[_DB_BLOCKER] = django_db_blocker


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        # The live server's transactional database was emptied: put the reference codes back
        # for the next test (after the last one the test database is already gone).
        blocker = item.stash.get(_DB_BLOCKER, None)
        if (
            blocker is not None
            and nextitem is not None
            and "live_server" in getattr(item, "fixturenames", ())
        ):
            from karvan.core.taxonomies import load_taxonomies

            with blocker.unblock():
                load_taxonomies()
        if not _is_browser_test(nextitem):
            _CHROMIUM.stop()


# --- Pages that may only talk to the live server -------------------------------------------------


@dataclass
class PageGuard:
    """What the pages of one test requested from elsewhere, and what they logged as errors."""

    origin: tuple[str, str]
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed_errors: list[re.Pattern[str]] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        return (parts.scheme, parts.netloc) == self.origin

    def on_request(self, request: object) -> None:
        if not self.is_local(request.url):
            self.foreign_requests.append(request.url)

    def on_console(self, message: object) -> None:
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(f"{message.text} ({location.get('url', '?')})")

    def on_page_error(self, error: object) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def allow_console_error(self, pattern: str) -> None:
        """Accept console errors matching this pattern (e.g. the 404 of a page meant to be 404)."""
        self.allowed_errors.append(re.compile(pattern))

    def problems(self) -> list[str]:
        found = [f"requested from another host: {url}" for url in self.foreign_requests]
        found += [
            f"console error: {text}"
            for text in self.console_errors
            if not any(pattern.search(text) for pattern in self.allowed_errors)
        ]
        return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    guard = item.stash.get(_GUARD, None)
    if guard is not None and guard.problems():
        pytest.fail("\n".join(guard.problems()), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[object]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def page_guard(request: pytest.FixtureRequest, live_server: object) -> PageGuard:
    parts = urlsplit(live_server.url)
    guard = PageGuard(origin=(parts.scheme, parts.netloc))
    request.node.stash[_GUARD] = guard
    return guard


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: object, page_guard: PageGuard, live_server: object
) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh context: `new_page(locale="fa-IR", timezone_id="Asia/Tehran")`."""
    contexts = []

    def open_page(**options: object) -> object:
        context = browser.new_context(**{**DEFAULT_CONTEXT, **options})
        context.set_default_timeout(10_000)
        context.on("request", guard_request)
        context.on("console", page_guard.on_console)
        context.on("weberror", lambda web_error: page_guard.on_page_error(web_error.error))
        # Nothing leaves the machine: a request to another host is recorded, then refused.
        context.route(lambda url: not page_guard.is_local(url), lambda route: route.abort())
        contexts.append(context)
        return context.new_page()

    def guard_request(playwright_request: object) -> None:
        page_guard.on_request(playwright_request)

    yield open_page

    reports = request.node.stash.get(_REPORTS, {})
    if any(report.failed for report in reports.values()):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        pages = [opened for context in contexts for opened in context.pages]
        for number, opened in enumerate(pages, start=1):
            suffix = f"-{number}" if len(pages) > 1 else ""
            try:
                opened.screenshot(path=ARTIFACTS / f"FAILED-{name}{suffix}.png", full_page=True)
            except Exception as error:  # a crashed page: the failure itself is what matters
                print(f"no screenshot of {opened.url}: {error}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, new_page: Callable[..., object]) -> object:
    """A fresh page; `@pytest.mark.browser_context(locale=…, timezone_id=…)` sets its context."""
    marker = request.node.get_closest_marker("browser_context")
    return new_page(**(marker.kwargs if marker else {}))


@pytest.fixture
def log_in(live_server: object) -> Callable[..., None]:
    """Log in through the real form (django-axes watches real requests) and wait for the result."""

    def log_in_as(page: object, email: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        # Logged in: the navbar shows the person's own menu (preferences, log out).
        page.locator("nav #user-menu").wait_for()

    return log_in_as
