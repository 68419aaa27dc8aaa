"""The screening API and the decisions export: compliance officers only, with the audit trail;
an organisation learns nothing of its own screening from them."""

import csv
import io

import pytest
from openpyxl import load_workbook

from karvan.compliance.models import Case
from karvan.compliance.services import decide_case, load_list, screen_subject
from tests.compliance.test_screening import HUAXIN, _csv
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(tmp_path, huaxin):
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    return screen_subject(subject=huaxin)[0]


@pytest.fixture
def huaxin(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(
        name={"zh-hans": "华信贸易有限公司", "en": "Hua Xin Trading"},
        original_language="zh-hans",
        country="CN",
    )


def test_an_officer_lists_reads_reviews_and_decides_a_case(client, case, officer):
    client.force_login(officer)
    listed = client.get("/api/compliance/cases?status=open", HTTP_ACCEPT_LANGUAGE="fa")
    assert listed.status_code == 200
    [row] = listed.json()["items"]
    assert (row["id"], row["list_entity_id"], row["subject_kind"]) == (
        case.pk,
        "fx-1",
        "organisation",
    )
    assert row["explanation"] and all(isinstance(line, str) for line in row["explanation"])
    assert client.get("/api/compliance/cases?status=cleared").json()["items"] == []
    reviewed = client.post(f"/api/compliance/cases/{case.pk}/review")
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "in_review"
    no_comment = client.post(
        f"/api/compliance/cases/{case.pk}/decision",
        {"decision": "cleared", "comment": ""},
        content_type="application/json",
    )
    assert no_comment.status_code == 422
    decided = client.post(
        f"/api/compliance/cases/{case.pk}/decision",
        {"decision": "cleared", "comment": "Another Huaxin, registered in Iran"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    body = decided.json()
    assert body["status"] == "cleared"
    assert [e["action"] for e in body["events"]] == ["opened", "review", "cleared"]
    assert body["events"][-1]["matcher_version"] == "karvan-screening-1"
    again = client.post(
        f"/api/compliance/cases/{case.pk}/decision",
        {"decision": "confirmed", "comment": "Changed my mind"},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "compliance.case_decided")
    decisions = client.get("/api/compliance/decisions").json()["items"]
    assert [d["action"] for d in decisions] == ["cleared"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/compliance/cases"),
        ("get", "/api/compliance/decisions"),
        ("get", "/api/compliance/cases/{pk}"),
        ("post", "/api/compliance/cases/{pk}/review"),
        ("post", "/api/compliance/cases/{pk}/decision"),
    ],
)
def test_no_one_but_officers_reaches_the_screening_api(client, case, huaxin, method, path):
    member = MembershipFactory(organisation=huaxin).user  # the screened organisation's own
    for person in (UserFactory(is_staff=True), member):
        client.force_login(person)
        response = getattr(client, method)(
            path.format(pk=case.pk),
            {"decision": "cleared", "comment": "Mine"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert "fictional" not in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"


def test_an_unknown_or_absurd_case_id_is_404(client, case, officer):
    client.force_login(officer)
    for case_id in (case.pk + 1000, 99999999999999999999):
        assert client.get(f"/api/compliance/cases/{case_id}").status_code in {404, 422}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_decisions_export_with_their_list_and_matcher_versions(client, case, officer, fmt):
    decide_case(actor=officer, case=case, decision="cleared", comment="=HYPERLINK(1) not them")
    client.force_login(officer)
    response = client.get(f"/compliance/decisions.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[str(c or "") for c in row] for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == str(case.pk) and "fx-1" in row and "karvan-screening-1" in row
    assert case.list_version.checksum in row
    assert "'=HYPERLINK(1) not them" in row  # never a formula
    assert Case.objects.get(pk=case.pk).status == "cleared"


def test_the_export_is_invisible_to_other_staff(client, case):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/compliance/decisions.csv").status_code == 404


def test_the_dashboard_counts_cases_by_status_and_decisions(client, case, officer):
    from karvan.compliance.metrics import cases_by_status, decisions_by_month
    from karvan.insights.metrics import Filters

    decide_case(actor=officer, case=case, decision="confirmed", comment="Same company")
    by_status = dict(cases_by_status(Filters()))
    assert by_status["confirmed match"] == 1 and by_status["open"] == 0
    assert sum(value for _month, value in decisions_by_month(Filters())) == 1
    assert dict(cases_by_status(Filters(country="IR")))["confirmed match"] == 0
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    page = client.get("/insights/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Screening cases by status" in page.content.decode()
    assert "Hua Xin" not in page.content.decode() and "fx-1" not in page.content.decode()
