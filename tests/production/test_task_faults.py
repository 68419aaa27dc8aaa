"""Celery through a real Redis, with real worker processes killed in the middle of a task.

The task is an agreement's sealing (seconds of PDF rendering and signing): a worker is killed with
SIGKILL while it runs, a new worker picks the message up once the visibility timeout has passed,
and the agreement ends sealed once, with one PDF, each of its mails sent once.
"""

import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.processes import KARVAN, karvan_env, redis_server, require, stop

PRODUCER = """
from karvan.agreements.models import AgreementTemplate
from karvan.agreements.documents.platform import get_sealing_key
from karvan.agreements.selectors import current_version
from karvan.agreements.services.drafting import create_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import issue_signing_code, send_for_signing, sign_agreement
from karvan.directory.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc

get_sealing_key()  # the platform's key, made before any worker needs it
sides = []
for country, language, name, registry in (
    ("IR", "fa", {"fa": "پسته نوین رفسنجان"}, {}),
    ("CN", "zh-hans", {"zh-hans": "广州包装机械有限公司"}, {"registry_id": valid_uscc(7)}),
):
    organisation = OrganisationFactory(
        name=name, original_language=language, country=country, **registry
    )
    owner = MembershipFactory(
        organisation=organisation, role=Membership.Role.OWNER,
        user=UserFactory(language=language, email=f"owner-{country}@example.test"),
    ).user
    signatory = MembershipFactory(
        organisation=organisation, role=Membership.Role.SIGNATORY,
        user=UserFactory(language=language, email=f"signatory-{country}@example.test"),
    ).user
    sides.append((organisation, owner, signatory))
(iran, iran_owner, iran_signatory), (china, china_owner, china_signatory) = sides
agreement = create_agreement(
    actor=iran_owner, initiator=iran, partners=[china], languages=["fa", "zh-hans"],
    prevailing_language="fa", template=AgreementTemplate.objects.get(key="mou"),
    values={"place": {"fa": "تهران", "zh-hans": "德黑兰"}, "effective_date": "2026-11-23",
            "term": 3, "field": {"fa": "بسته‌بندی", "zh-hans": "包装"}},
)
for organisation, owner, signatory in sides:
    name_signatory(
        actor=owner, agreement=agreement,
        party=agreement.parties.get(organisation=organisation), user=signatory,
    )
send_for_signing(actor=iran_owner, agreement=agreement)
for _organisation, _owner, signatory in sides:
    _row, code = issue_signing_code(actor=signatory, agreement=agreement)
    sign_agreement(
        actor=signatory, agreement=agreement, code=code, typed_name=signatory.full_name,
        document_sha256=current_version(agreement).document_sha256,
    )
print("AGREEMENT", agreement.pk)
"""

STATE = """
from karvan.agreements.models import Agreement
from karvan.notifications.models import OutgoingMail
agreement = Agreement.objects.get(pk={pk})
print("SEALED", agreement.is_sealed, agreement.sealed_pdf.name)
print("EVENTS", agreement.events.filter(action="sealed").count())
sent = OutgoingMail.objects.filter(sent_at__isnull=False).count()
print("MAILS", OutgoingMail.objects.count(), sent)
"""


def _karvan(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [*KARVAN, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _state(env: dict[str, str], pk: int) -> dict[str, list[str]]:
    output = _karvan(env, "shell", "--no-imports", "-c", STATE.format(pk=pk))
    return {line.split()[0]: line.split()[1:] for line in output.splitlines() if line.strip()}


def _worker(env: dict[str, str], log: Path, name: str, pool: str) -> subprocess.Popen:
    celery = require("celery")
    return subprocess.Popen(
        [celery, "-A", "karvan", "worker", f"--pool={pool}", "--concurrency=1",
         "--loglevel=info", f"--hostname={name}@%h", "--without-gossip", "--without-mingle"],
        env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


@pytest.fixture
def stack(tmp_path):
    """A data directory with a migrated SQLite database, a Redis, the environment to use both."""
    with redis_server(tmp_path) as redis_url:
        env = karvan_env(
            tmp_path,
            KARVAN_REDIS_URL=redis_url,
            KARVAN_TASK_VISIBILITY_TIMEOUT="5",
            KARVAN_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        )
        _karvan(env, "migrate", "--noinput", "-v", "0")
        yield env, tmp_path


@pytest.mark.parametrize(
    ("pool", "victim"),
    [
        ("solo", "worker"),  # the whole worker (its machine) dies: redelivered after the timeout
        ("prefork", "child"),  # the process running the task dies: rejected, redelivered at once
    ],
)
def test_a_worker_killed_while_sealing_leaves_the_agreement_sealed_once(stack, pool, victim):
    env, data_dir = stack
    first_log = data_dir / "worker-1.log"
    worker = _worker(env, first_log, "first", pool)
    second = None
    try:
        output = _karvan(env, "shell", "--no-imports", "-c", PRODUCER)
        pk = int(re.search(r"AGREEMENT (\d+)", output).group(1))
        _wait_for(
            lambda: "seal_agreement" in first_log.read_text(errors="replace"),
            120,
            "the first worker received the sealing task",
        )
        time.sleep(0.5)  # into the rendering
        if victim == "worker":
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        else:
            children = subprocess.run(
                ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
            ).stdout.split()
            assert children, "the prefork worker has no child process"
            for child in children:
                subprocess.run(["kill", "-KILL", child], check=True)
        state = _state(env, pk)
        assert state["SEALED"][0] == "False", "sealing finished before the kill: inconclusive"
        assert state["EVENTS"] == ["0"]

        if victim == "worker":
            second = _worker(env, data_dir / "worker-2.log", "second", pool)

        def sealed() -> bool:
            return _state(env, pk)["SEALED"][0] == "True"

        _wait_for(sealed, 180, "the agreement was sealed after the kill")

        def mails_sent() -> bool:
            total, sent = _state(env, pk)["MAILS"]
            return int(total) > 0 and total == sent

        _wait_for(mails_sent, 120, "every queued mail was sent")
    finally:
        stop(worker)
        if second is not None:
            stop(second)
    state = _state(env, pk)
    assert state["EVENTS"] == ["1"]
    pdfs = list((data_dir / "private" / "agreements").glob("*.pdf"))
    assert [pdf.name for pdf in pdfs] == [Path(state["SEALED"][1]).name]
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    # Each outbox row went out once: as many messages as rows, no Message-ID twice.
    messages = [
        header
        for path in (data_dir / "mail").glob("*.log")
        for header in re.findall(r"^Message-ID: (\S+)$", path.read_text(), re.MULTILINE)
    ]
    assert len(messages) == int(state["MAILS"][0])
    assert len(set(messages)) == len(messages)
    logs = "".join(path.read_text(errors="replace") for path in data_dir.glob("worker-*.log"))
    failures = [line for line in logs.splitlines() if "raised unexpected" in line]
    assert all("WorkerLostError" in line for line in failures), logs[-5000:]
