"""The suite's short Schemathesis run: every API operation, as a member (API token) and
anonymously, no server error and no response that breaks its schema. The long run is
bench/fuzz_api.py."""

import logging
import os

import pytest

from tests.security.fuzzing import Report, fuzz_all, fuzz_stateful, load_schema
from tests.security.world import World

EXAMPLES = int(os.environ.get("KARVAN_FUZZ_EXAMPLES", "5"))
#: bench/fuzz_api.py sets it to print each run's report.
REPORT = os.environ.get("KARVAN_FUZZ_REPORT") == "1"


def _show(report: Report, title: str) -> None:
    if REPORT:
        print(report.render(title))


@pytest.fixture(scope="module")
def schema() -> object:
    return load_schema()


@pytest.fixture(autouse=True)
def _quiet_request_log() -> object:
    """Thousands of refused calls would each log a warning line."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def known_ids(world: World) -> dict[str, object]:
    """Objects of the world by the API's path parameter names."""
    return {
        "organisation_id": world.acme.pk,
        "opportunity_id": world.rfq.pk,
        "interest_id": world.interest.pk,
        "event_id": world.event.pk,
        "request_id": world.meeting_request.pk,
        "meeting_id": world.meeting.pk,
        "code": world.signing_agreement.code,
        "question_id": world.question.pk,
        "inquiry_id": world.inquiry.pk,
        "park_id": world.park.pk,
    }


def _headers(world: World, actor: str) -> dict[str, str]:
    token = world.tokens.get(actor)
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["member", "anonymous"])
def test_every_operation_answers_without_server_error_and_within_its_schema(
    world: World, schema: object, actor: str
) -> None:
    report = fuzz_all(
        schema,
        headers=_headers(world, actor),
        examples=EXAMPLES,
        report=Report(),
        known_ids=known_ids(world),
    )
    _show(report, f"operations as {actor}")
    assert report.operations == 65 and report.cases > report.operations
    assert not report.failures, "\n\n".join(f"{k}: {v}" for k, v in report.failures.items())


@pytest.mark.django_db
def test_chains_of_operations_along_the_links(world: World, schema: object) -> None:
    report = fuzz_stateful(
        schema, headers=_headers(world, "owner"), scenarios=EXAMPLES * 3, steps=4, report=Report()
    )
    _show(report, "chains along the links, as Acme's owner")
    assert report.cases > 0
    assert not report.failures, "\n\n".join(f"{k}: {v}" for k, v in report.failures.items())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/questions/{question}/vote", {"value": 1, "answer_id": 999999}),
        ("/api/questions/{question}/vote", {"value": 1, "answer_id": False}),
        ("/api/questions/{question}/accept", {"answer_id": 999999}),
        (
            "/api/questions/{question}/comments",
            {"language": "en", "body": "x", "answer_id": 999999},
        ),
    ],
    ids=["vote-unknown-answer", "vote-answer-false", "accept-unknown-answer", "comment-unknown"],
)
def test_crafted_answer_ids_answer_4xx(world: World, client: object, path: str, body: dict) -> None:
    response = client.post(
        path.format(question=world.question.pk),
        body,
        content_type="application/json",
        headers=_headers(world, "owner"),
    )
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/interests?received=true&page=1152921504606846977",
        "/api/questions?page=8239313113810634752",
        "/api/parks/inquiries?page=503000625642099968",
    ],
)
def test_huge_page_numbers_answer_4xx(world: World, client: object, url: str) -> None:
    response = client.get(url, headers=_headers(world, "owner"))
    assert 400 <= response.status_code < 500
