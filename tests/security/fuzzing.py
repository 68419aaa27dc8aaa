"""Schemathesis over the whole OpenAPI description, in-process against the WSGI application.

Shared by the suite's short run (tests/security/test_api_fuzz.py) and the long run
(bench/fuzz_api.py). Checks: no server error, and every documented response matches its schema
and content type. Each operation runs with generated inputs (positive and negative); the
stateful run chains operations through the links Schemathesis infers from the description (a
created opportunity's id feeds its read, update, publish, close and interest operations).
"""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def load_schema() -> schemathesis.schemas.BaseSchema:
    from django.core.wsgi import get_wsgi_application

    with keeping_the_connection():
        return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@dataclass
class Report:
    operations: int = 0
    cases: int = 0
    failures: dict[str, str] = field(default_factory=dict)

    def render(self, title: str) -> str:
        lines = [
            f"{title}: {self.operations} operations, {self.cases} cases, "
            f"{len(self.failures)} failures"
        ]
        lines += [f"  FAILURE {label}: {text}" for label, text in sorted(self.failures.items())]
        return "\n".join(lines)

    def add(self, label: str, error: BaseException) -> None:
        text = str(error)
        summary = " | ".join(line for line in text.strip().splitlines()[:12] if line.strip())
        self.failures[label] = summary[:1200]


def _settings(examples: int, **extra: object) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        **extra,
    )


def call(case: object, headers: dict[str, str]) -> object:
    """One call in its own savepoint, as a request is its own transaction in production: a
    server error rolls back its writes (on PostgreSQL its failed statement would otherwise
    abort every later call of the run)."""
    from django.db import transaction

    with keeping_the_connection(), transaction.atomic():
        response = case.call(headers=headers)  # type: ignore[attr-defined]
        if response.status_code >= 500:
            transaction.set_rollback(True)
    return response


@contextlib.contextmanager
def keeping_the_connection() -> Iterator[None]:
    """The WSGI handler closes "old" database connections around each request; the test's
    connection is inside the test's transaction, and on PostgreSQL closing it would lose the
    world (Django's test client disconnects these receivers the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def validate(case: object, response: object, headers: dict[str, str], report: Report) -> None:
    """The checks: no server error, a response within the schema and its content type."""
    case.validate_response(response, checks=CHECKS, headers=headers)  # type: ignore[attr-defined]


def fuzz_operation(
    operation: object,
    *,
    headers: dict[str, str],
    examples: int,
    report: Report,
    known_ids: dict[str, object] | None = None,
) -> None:
    """Generated calls to one operation; failures go to the report.

    Valid inputs (positive) are sent to objects that exist (`known_ids`, by path parameter name:
    random ids would almost never reach one); invalid inputs (negative) anywhere.
    """
    from schemathesis import GenerationMode

    label = operation.label  # type: ignore[attr-defined]
    names = [p.name for p in operation.path_parameters]  # type: ignore[attr-defined]
    fixed = {name: (known_ids or {})[name] for name in names if name in (known_ids or {})}
    report.operations += 1
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        kwargs = {"path_parameters": fixed} if fixed and mode == GenerationMode.POSITIVE else {}
        strategy = operation.as_strategy(generation_mode=mode, **kwargs)  # type: ignore[attr-defined]

        @_settings(examples)
        @given(case=strategy)
        def run(case: object) -> None:
            report.cases += 1
            validate(case, call(case, headers), headers, report)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # reported, not raised
            report.add(label, error)


def fuzz_all(
    schema: object,
    *,
    headers: dict[str, str],
    examples: int,
    report: Report,
    known_ids: dict[str, object] | None = None,
    only: Callable[[str], bool] = lambda label: True,
) -> Report:
    for result in schema.get_all_operations():  # type: ignore[attr-defined]
        operation = result.ok()
        if only(operation.label):
            fuzz_operation(
                operation, headers=headers, examples=examples, report=report, known_ids=known_ids
            )
    return report


def fuzz_stateful(
    schema: object, *, headers: dict[str, str], scenarios: int, steps: int, report: Report
) -> Report:
    """Chains of calls along the inferred links (create, then read, update, publish...)."""

    class Machine(schema.as_state_machine()):  # type: ignore[attr-defined, misc]
        def call(self, case: object, **kwargs: object) -> object:
            return call(case, headers)

        def validate_response(self, response: object, case: object, **kwargs: object) -> None:
            report.cases += 1
            validate(case, response, headers, report)

    try:
        Machine.run(settings=_settings(scenarios, stateful_step_count=steps))
    except (Exception, BaseExceptionGroup) as error:  # reported, not raised
        report.add("stateful", error)
    return report
