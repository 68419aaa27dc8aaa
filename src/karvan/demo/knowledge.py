"""The demo's knowledge exchange, industrial parks, published figures and trade statistics.

Loaded through the same services the pages use and keyed by the scenario's own keys, so loading
again updates or skips what is there. The dates of the demo's registrations, publications and
interests are then spread over the past year, so that the center's dashboard shows months.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from karvan.accounts.models import User
from karvan.demo.models import DemoRecord
from karvan.demo.scenario import DATA_DIR, _organisation_by_key, _record, _recorded, _user
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.insights.models import PublishedFigure
from karvan.insights.services import import_comtrade_file, save_published_figure
from karvan.knowledge.models import Question
from karvan.knowledge.services import (
    accept_answer,
    answer_question,
    ask_question,
    comment_on,
    grant_expert,
    report_post,
    vote,
)
from karvan.opportunities.models import Interest, Opportunity
from karvan.opportunities.services import create_opportunity, publish_opportunity
from karvan.parks.models import Inquiry, Park, Unit
from karvan.parks.services import reply_to_inquiry, save_park_profile, save_unit, send_inquiry

COMTRADE_SAMPLE = Path(__file__).resolve().parents[1] / "insights" / "data" / "comtrade_sample.csv"
VOTERS = (
    "staff.cn@demo.karvan.example",
    "sme.cn@demo.karvan.example",
    "sme.ir@demo.karvan.example",
    "deng.kai.zhiliantong@demo.karvan.example",
    "tan.meiling.hefengyuan@demo.karvan.example",
    "a.moghaddam.yiwu@demo.karvan.example",
)


def _question(entry: dict) -> Question:
    key = f"question:{entry['key']}"
    question = _recorded(key, Question)
    if question is not None:
        return question
    author = _user(entry["author"])
    question = ask_question(
        actor=author,
        data={name: entry[name] for name in ("kind", "category", "language", "title", "body")}
        | {"tags": entry.get("tags", [])},
        to_other_side=entry.get("to_other_side", False),
    )
    _record(key, question)
    for answer_entry in entry.get("answers", []):
        answer = answer_question(
            question=question,
            actor=_user(answer_entry["author"]),
            body=answer_entry["body"],
            language=answer_entry["language"],
        )
        voters = [email for email in VOTERS if email != answer_entry["author"]]
        for email in voters[: answer_entry.get("votes", 0)]:
            vote(actor=_user(email), value=1, answer=answer)
        if answer_entry.get("accepted"):
            accept_answer(question=question, answer=answer, actor=author)
    for comment in entry.get("comments", []):
        comment_on(
            question=question,
            actor=_user(comment["author"]),
            body=comment["body"],
            language=comment["language"],
        )
    for email in [email for email in VOTERS if email != entry["author"]][:2]:
        vote(actor=_user(email), value=1, question=question)
    return question


def _park(entry: dict) -> Park:
    organisation = _organisation_by_key(entry["organisation"])
    owner = memberships.members_of(organisation.pk, roles=[memberships.Role.OWNER]).get().user
    fields = {
        name: value
        for name, value in entry.items()
        if name not in {"organisation", "units", "opportunity"}
    }
    park = save_park_profile(actor=owner, organisation=organisation, data=fields)
    for unit_entry in entry.get("units", []):
        existing = Unit.objects.filter(park=park, reference=unit_entry["reference"]).first()
        data = {name: value for name, value in unit_entry.items()}
        for money in ("area_m2", "rent_per_m2_month", "sale_price"):
            if data.get(money) is not None:
                data[money] = Decimal(str(data[money]))
        save_unit(actor=owner, park=park, data=data, unit=existing)
    opportunity_entry = entry.get("opportunity")
    key = f"park-opportunity:{entry['organisation']}"
    if opportunity_entry and _recorded(key, Opportunity) is None:
        opportunity = create_opportunity(
            actor=owner,
            organisation=organisation,
            data={
                "side": Opportunity.Side.OFFER,
                "kind": Opportunity.Kind.INVESTMENT,
                "language": opportunity_entry["language"],
                "title": opportunity_entry["title"],
                "description": opportunity_entry["description"],
                "sectors": opportunity_entry.get("sectors", []),
                "expires_on": timezone.localdate() + datetime.timedelta(days=180),
            },
        )
        publish_opportunity(opportunity=opportunity, actor=owner)
        _record(key, opportunity)
    return park


def _inquiry(entry: dict) -> None:
    key = f"inquiry:{entry['park']}:{entry['organisation']}"
    if _recorded(key, Inquiry) is not None:
        return
    park = Park.objects.get(organisation=_organisation_by_key(entry["park"]))
    author = _user(entry["author"])
    inquiry = send_inquiry(
        actor=author,
        park=park,
        organisation=_organisation_by_key(entry["organisation"]),
        subject=entry["subject"],
        body=entry["body"],
        language=author.language,
        unit=Unit.objects.filter(park=park, reference=entry.get("unit", "")).first(),
    )
    _record(key, inquiry)
    for reply in entry.get("replies", []):
        replier = _user(reply["author"])
        reply_to_inquiry(
            inquiry=inquiry, actor=replier, body=reply["body"], language=replier.language
        )


def _figure(entry: dict, staff: User) -> None:
    figure = PublishedFigure.objects.filter(key=entry["key"]).first()
    save_published_figure(
        actor=staff,
        figure=figure,
        data={**entry, "value": Decimal(str(entry["value"])), "is_published": True},
    )


def _days_back(key: str, span: int) -> int:
    """A stable pseudo-random number of days for a demo key (the same on every load)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % span


def _spread_activity() -> None:
    """Spread the demo's registrations, publications and interests over the past year.

    Demo data only, keyed by the scenario's records, so the dashboard shows months rather than
    one spike on the day the demo was loaded.
    """
    now = timezone.now()
    for record in DemoRecord.objects.filter(key__startswith="organisation:"):
        registered = now - datetime.timedelta(days=200 + _days_back(record.key, 160))
        Organisation.objects.filter(pk=record.object_id).update(created_at=registered)
    for record in DemoRecord.objects.filter(key__startswith="opportunity:"):
        opportunity = Opportunity.objects.filter(pk=record.object_id).first()
        if opportunity is None or opportunity.published_at is None:
            continue
        published = now - datetime.timedelta(days=5 + _days_back(record.key, 190))
        Opportunity.objects.filter(pk=opportunity.pk).update(
            published_at=published, created_at=published
        )
        for interest in Interest.objects.filter(opportunity=opportunity):
            shown = min(
                published
                + datetime.timedelta(days=1 + _days_back(f"{record.key}:{interest.pk}", 40)),
                now,
            )
            Interest.objects.filter(pk=interest.pk).update(created_at=shown)


@transaction.atomic
def load_knowledge(progress: Callable[[str], None] = lambda _message: None) -> dict[str, int]:
    """Questions and answers, experts, parks with units and inquiries, published figures, the
    sample trade statistics, and dates spread for the dashboard; return counts."""
    data = json.loads((DATA_DIR / "knowledge.json").read_text(encoding="utf-8"))
    staff = _user("staff@demo.karvan.example")
    for entry in data["experts"]:
        grant_expert(actor=staff, user=_user(entry["email"]), field=entry["field"])
    questions = [_question(entry) for entry in data["questions"]]
    report = data.get("report")
    if report and _recorded("report:demo", Question) is None:
        question = _recorded(f"question:{report['question']}", Question)
        if question is not None:
            report_post(actor=_user(report["reporter"]), question=question, reason=report["reason"])
            _record("report:demo", question)
    progress(f"knowledge: {len(questions)} questions")
    parks = [_park(entry) for entry in data["parks"]]
    for entry in data["inquiries"]:
        _inquiry(entry)
    progress(f"parks: {len(parks)}")
    for entry in data["figures"]:
        _figure(entry, staff)
    trade = import_comtrade_file(path=COMTRADE_SAMPLE)
    progress(f"trade: {trade.created} new figures, {trade.unchanged} unchanged")
    _spread_activity()
    return {"questions": len(questions), "parks": len(parks), "figures": len(data["figures"])}
