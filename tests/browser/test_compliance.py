"""A compliance officer clears a screening case in Persian, in the browser."""

from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from karvan.compliance import adapters
from karvan.compliance.models import Case
from karvan.compliance.services import load_list, screen_subject
from tests.factories import OrganisationFactory, UserFactory

HEADER = (
    "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,"
    "dataset,first_seen,last_seen,last_change"
)


def test_an_officer_clears_a_case_in_persian(page, live_server, log_in, tmp_path):
    adapters._cached.clear()
    path = tmp_path / "list.csv"
    path.write_text(
        HEADER + "\nfx-1,Company,Pars Sanat Kavir Company,,,ir,,,Invented,,,fictional,,,\n",
        encoding="utf-8",
    )
    load_list(path=path, source="fictional")
    organisation = OrganisationFactory(
        name={"fa": "شرکت پارس صنعت کویر"}, original_language="fa", country="IR"
    )
    # A factory's row is not announced by a service: screened here, as a list load would.
    screen_subject(subject=organisation)
    case = Case.objects.get(organisation=organisation, status="open")
    organisation.refresh_from_db()
    assert organisation.compliance_hold == "review"  # cannot be verified nor sign meanwhile
    officer = UserFactory(is_staff=True, language="fa", full_name="Negin Officer")
    officer.user_permissions.add(Permission.objects.get(codename="review_case"))

    log_in(page, officer.email)
    page.goto(f"{live_server.url}/compliance/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("غربالگری انطباق: تطابق‌های احتمالی")
    page.click(f"#cases a[href='/compliance/cases/{case.pk}/']")
    expect(page.locator("#explanation")).to_contain_text("پارس")

    with page.expect_navigation():
        page.click("#start-review")
    expect(page.locator("#case-status")).to_contain_text("در حال بررسی")
    page.check("input[name=decision][value=cleared]")
    page.fill("textarea[name=comment]", "شرکت دیگری با همین نام است")
    with page.expect_navigation():
        page.click("#decide")
    expect(page.locator("#case-status")).to_contain_text("هشدار نادرست")
    expect(page.locator("#history")).to_contain_text("شرکت دیگری با همین نام است")
    case.refresh_from_db()
    assert (case.status, case.decided_by_id) == ("cleared", officer.pk)
    organisation.refresh_from_db()
    assert organisation.compliance_hold == ""
