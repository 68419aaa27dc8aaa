"""Screening on creation and change, re-screening on new list versions, the review workflow,
its audit trail, the signing block, and who may see the queue."""

import pytest
from django.urls import reverse

from karvan.accounts.services import update_preferences
from karvan.agreements.selectors import current_version, is_held_for_compliance
from karvan.agreements.services.signing import send_for_signing, sign_agreement
from karvan.compliance.errors import (
    CaseClosedError,
    DecisionNeedsCommentError,
    SecondApprovalError,
)
from karvan.compliance.models import Case, CaseEvent, ListVersion, Screening
from karvan.compliance.selectors import count_cases, list_cases
from karvan.compliance.services import decide_case, load_list, screen_subject, start_review
from karvan.core.errors import ComplianceCheckError, NotAllowedError
from karvan.directory.models import Organisation
from karvan.directory.selectors import list_organisations
from karvan.directory.services.profiles import update_organisation
from karvan.directory.services.verification import approve_organisation
from karvan.notifications.models import Notification
from karvan.opportunities.models import Opportunity
from karvan.opportunities.selectors import list_opportunities
from tests.agreements.conftest import ask_code
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    register_organisation,
)


def _csv(tmp_path, *rows: str, name: str = "list.csv"):
    header = (
        "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,"
        "emails,dataset,first_seen,last_seen,last_change"
    )
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


HUAXIN = "fx-1,Company,Huaxin Trading Co. Ltd.,,,cn,,,Invented,,,fictional,,,"
KARIMI = "fx-2,Person,Reza Karimi,,,ir,,,Invented,,,fictional,,,"


@pytest.fixture
def huaxin(db):
    return OrganisationFactory(
        name={"zh-hans": "华信贸易有限公司", "en": "Hua Xin Trading"},
        original_language="zh-hans",
        country="CN",
        registry_id="",
    )


@pytest.mark.django_db
def test_an_organisation_registered_after_a_list_load_is_screened_and_a_case_opened(
    tmp_path, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    owner = UserFactory(full_name="Chen Jing")
    with django_capture_on_commit_callbacks(execute=True):
        organisation = register_organisation(
            owner=owner,
            name={"zh-hans": "华信贸易有限公司"},
            original_language="zh-hans",
            country="CN",
        )
    case = Case.objects.get(organisation=organisation)
    assert (case.status, case.entry.entity_id, case.matcher_version) == (
        "open",
        "fx-1",
        "karvan-screening-1",
    )
    assert case.list_version.source == "fictional"
    assert {r["code"] for r in case.reasons} >= {"name", "part"}
    assert list(case.events.values_list("action", flat=True)) == ["opened"]
    assert Notification.objects.filter(recipient=officer, kind="compliance.case_opened").exists()
    organisation.refresh_from_db()
    assert organisation.compliance_hold == "review"
    screenings = Screening.objects.filter(organisation=organisation)
    assert screenings.count() == 1
    assert Screening.objects.filter(person=owner).count() == 1  # its owner too
    # An edit that leaves the name and identity alone does not screen again.
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(
            organisation=organisation, actor=owner, changes={"website": "https://example.test"}
        )
    assert screenings.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(
            organisation=organisation,
            actor=owner,
            changes={"name": {"zh-hans": "华信贸易有限公司", "en": "Huaxin Trading"}},
        )
    assert screenings.count() == 2
    assert Case.objects.filter(organisation=organisation).count() == 1


@pytest.mark.django_db
def test_a_plain_save_screens_nothing_only_the_services_announce_changes(
    tmp_path, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        OrganisationFactory(name={"zh-hans": "华信贸易有限公司"}, country="CN")
    assert callbacks == []
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_signatory_who_changes_their_name_is_screened_again(
    tmp_path, signing, iran, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, KARIMI), source="fictional")
    assert not Case.objects.filter(person=iran.signatory).exists()
    with django_capture_on_commit_callbacks(execute=True):
        update_preferences(user=iran.signatory, full_name="Reza Karimi", full_name_native="")
    assert Case.objects.filter(person=iran.signatory, status="open").exists()
    iran.signatory.refresh_from_db()
    assert iran.signatory.compliance_hold == "review"


@pytest.mark.django_db
def test_a_new_list_version_rescreens_what_it_can_change(
    tmp_path, huaxin, officer, django_capture_on_commit_callbacks
):
    other = OrganisationFactory(name={"en": "Golden Crescent Logistics"}, country="AE")
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, KARIMI), source="fictional")
    assert not Case.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, KARIMI, HUAXIN, name="v2.csv"), source="fictional")
    case = Case.objects.get()
    assert case.organisation == huaxin
    assert not Screening.objects.filter(organisation=other).exists()
    # The background task's progress is kept on the version (the queue shows it).
    version = ListVersion.objects.order_by("-pk").first()
    assert (version.rescreen_total, version.rescreen_done) == (1, 1)
    assert version.rescreened_at is not None


@pytest.mark.django_db
def test_a_cleared_case_stays_cleared_until_the_entry_changes_then_reopens(
    tmp_path, huaxin, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    case = Case.objects.get(organisation=huaxin)
    decide_case(actor=officer, case=case, decision="cleared", comment="Another Huaxin, in Iran")
    screen_subject(subject=huaxin, force=True)
    case.refresh_from_db()
    assert case.status == "cleared"
    changed = HUAXIN.replace(",,,cn,,,", ",,,cn,,91310115MA1K4B2X7Q,")
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, changed, name="v2.csv"), source="fictional")
    case.refresh_from_db()
    assert case.status == "open"
    assert list(case.events.values_list("action", flat=True)) == ["opened", "cleared", "reopened"]


@pytest.mark.django_db
def test_the_review_workflow_needs_a_comment_and_is_audited(tmp_path, huaxin, officer):
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    case = screen_subject(subject=huaxin)[0]
    case = start_review(actor=officer, case=case)
    assert case.status == "in_review"
    with pytest.raises(DecisionNeedsCommentError):
        decide_case(actor=officer, case=case, decision="confirmed", comment="  ")
    decide_case(actor=officer, case=case, decision="confirmed", comment="Same USCC on file")
    case.refresh_from_db()
    assert (case.status, case.decided_by) == ("confirmed", officer)
    with pytest.raises(CaseClosedError):
        decide_case(actor=officer, case=case, decision="cleared", comment="changed my mind")
    last = case.events.last()
    assert (last.action, last.actor, last.comment, last.list_version) == (
        "confirmed",
        officer,
        "Same USCC on file",
        case.list_version,
    )
    assert count_cases(viewer=officer)["confirmed"] == 1


@pytest.mark.django_db
def test_a_second_approval_needs_another_officer(
    tmp_path, huaxin, officer, second_officer, settings
):
    settings.KARVAN_SCREENING_SECOND_APPROVAL = True
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    case = screen_subject(subject=huaxin)[0]
    decide_case(actor=officer, case=case, decision="cleared", comment="Different company")
    case.refresh_from_db()
    assert (case.status, case.proposed_decision) == ("in_review", "cleared")
    with pytest.raises(SecondApprovalError):
        decide_case(actor=officer, case=case, decision="cleared", comment="Again")
    decide_case(actor=second_officer, case=case, decision="cleared", comment="Agreed")
    case.refresh_from_db()
    assert (case.status, case.decided_by) == ("cleared", second_officer)
    assert list(case.events.values_list("action", flat=True)) == ["opened", "proposed", "cleared"]


@pytest.mark.django_db
def test_people_other_than_officers_cannot_decide(tmp_path, huaxin):
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    case = screen_subject(subject=huaxin)[0]
    staff = UserFactory(is_staff=True)
    member = MembershipFactory(organisation=huaxin).user
    for person in (staff, member):
        with pytest.raises(NotAllowedError):
            decide_case(actor=person, case=case, decision="cleared", comment="Mine")
        assert list_cases(viewer=person).count() == 0
    case.refresh_from_db()
    assert case.status == "open"


@pytest.mark.django_db
def test_signing_is_blocked_until_the_signatorys_case_is_cleared(
    tmp_path, signing, iran, officer, django_capture_on_commit_callbacks
):
    # The Iranian side's owner is Reza Karimi; its signatory Maryam Ahmadi is on this list.
    row = "fx-3,Person,Maryam Ahmadi,مریم احمدی,,ir,,,Invented,,,fictional,,,"
    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, row), source="fictional")
    case = Case.objects.get(person=iran.signatory)
    assert is_held_for_compliance(signing)
    code = ask_code(iran.signatory, signing)
    values = {
        "code": code,
        "typed_name": iran.signatory.full_name,
        "document_sha256": current_version(signing).document_sha256,
    }
    with pytest.raises(ComplianceCheckError):
        sign_agreement(actor=iran.signatory, agreement=signing, **values)
    decide_case(actor=officer, case=case, decision="cleared", comment="Another Maryam Ahmadi")
    assert not is_held_for_compliance(signing)
    signature = sign_agreement(actor=iran.signatory, agreement=signing, **values)
    assert signature.signatory.user == iran.signatory


@pytest.mark.django_db
def test_a_confirmed_match_of_a_party_blocks_signing_and_the_page_says_so(
    tmp_path, client, signing, iran, officer
):
    row = "fx-4,Company,Novin Pistachio Rafsanjan,,,ir,,,Invented,,,fictional,,,"
    load_list(path=_csv(tmp_path, row), source="fictional")
    case = screen_subject(subject=iran.organisation)[0]
    decide_case(actor=officer, case=case, decision="confirmed", comment="Same registry id")
    client.force_login(iran.signatory)
    response = client.get(reverse("agreements:sign", args=[signing.code]))
    assert response.status_code == 200
    assert b'id="screening-blocked"' in response.content
    assert b"fictional" not in response.content and b"fx-4" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["compliance:queue", "compliance:case", "compliance:review"])
def test_the_queue_is_invisible_to_everyone_but_officers(tmp_path, client, huaxin, name):
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    case = screen_subject(subject=huaxin)[0]
    url = reverse(name) if name == "compliance:queue" else reverse(name, args=[case.pk])
    for person in (UserFactory(is_staff=True), MembershipFactory(organisation=huaxin).user):
        client.force_login(person)
        response = client.post(url) if name == "compliance:review" else client.get(url)
        assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "open"


@pytest.mark.django_db
def test_an_officer_decides_on_the_case_page_in_persian(tmp_path, client, huaxin, officer):
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    case = screen_subject(subject=huaxin)[0]
    client.force_login(officer)
    queue = client.get(reverse("compliance:queue"), HTTP_ACCEPT_LANGUAGE="fa")
    assert queue.status_code == 200
    assert "Huaxin Trading Co. Ltd." in queue.content.decode()
    page = client.get(reverse("compliance:case", args=[case.pk]))
    assert page.status_code == 200
    empty = client.post(reverse("compliance:case", args=[case.pk]), {"decision": "cleared"})
    assert empty.status_code == 200
    case.refresh_from_db()
    assert case.status == "open"
    response = client.post(
        reverse("compliance:case", args=[case.pk]),
        {"decision": "cleared", "comment": "شرکت دیگری است"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "cleared"
    assert case.events.filter(action=CaseEvent.Action.CLEARED, comment="شرکت دیگری است").exists()
    bad = client.get(reverse("compliance:queue") + "?status=nonsense")
    assert bad.status_code == 200


@pytest.mark.django_db
def test_an_organisation_under_review_cannot_be_verified_until_cleared(tmp_path, officer):
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    staff = UserFactory(is_staff=True)
    organisation = register_organisation(
        owner=UserFactory(), name={"zh-hans": "华信贸易有限公司"}, country="CN"
    )
    case = screen_subject(subject=organisation)[0]
    with pytest.raises(ComplianceCheckError) as refused:
        approve_organisation(organisation=organisation, actor=staff)
    assert "fictional" not in refused.value.text and "Huaxin" not in refused.value.text
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.PENDING
    decide_case(actor=officer, case=case, decision="cleared", comment="Another Huaxin")
    organisation.refresh_from_db()
    assert organisation.compliance_hold == ""
    approve_organisation(organisation=organisation, actor=staff)
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.VERIFIED


@pytest.mark.django_db
def test_a_party_under_review_cannot_be_sent_for_signing(tmp_path, draft, iran, china, officer):
    from karvan.agreements.services.signatories import name_signatory

    for side in (iran, china):
        name_signatory(
            actor=side.owner,
            agreement=draft,
            party=draft.parties.get(organisation=side.organisation),
            user=side.signatory,
        )
    row = "fx-4,Company,Novin Pistachio Rafsanjan,,,ir,,,Invented,,,fictional,,,"
    load_list(path=_csv(tmp_path, row), source="fictional")
    case = screen_subject(subject=iran.organisation)[0]
    with pytest.raises(ComplianceCheckError):
        send_for_signing(actor=iran.owner, agreement=draft)
    draft.refresh_from_db()
    assert draft.status == "draft"
    decide_case(actor=officer, case=case, decision="cleared", comment="Another company")
    send_for_signing(actor=iran.owner, agreement=draft)
    draft.refresh_from_db()
    assert draft.status == "signing"


@pytest.mark.django_db
def test_a_confirmed_match_is_hidden_from_the_directory_and_matching_but_not_its_members(
    tmp_path, officer, huaxin
):
    load_list(path=_csv(tmp_path, HUAXIN), source="fictional")
    member = MembershipFactory(organisation=huaxin).user
    opportunity = Opportunity.objects.create(
        organisation=huaxin,
        author=member,
        side="offer",
        kind="product",
        title="Tea",
        description="Green tea for export.",
        language="en",
        status=Opportunity.Status.PUBLISHED,
    )
    outsider = UserFactory()
    case = screen_subject(subject=huaxin)[0]
    # Under review: still listed (the review must not leak to others).
    assert list_organisations(viewer=outsider).filter(pk=huaxin.pk).exists()
    decide_case(actor=officer, case=case, decision="confirmed", comment="Same company")
    assert not list_organisations(viewer=outsider).filter(pk=huaxin.pk).exists()
    assert not list_opportunities(viewer=outsider).filter(pk=opportunity.pk).exists()
    assert list_organisations(viewer=member).filter(pk=huaxin.pk).exists()
    assert list_opportunities(viewer=member).filter(pk=opportunity.pk).exists()


@pytest.mark.django_db
def test_a_member_made_owner_is_screened(
    tmp_path, iran, officer, django_capture_on_commit_callbacks
):
    from karvan.directory.models import Membership
    from karvan.directory.services.members import change_member_role

    with django_capture_on_commit_callbacks(execute=True):
        load_list(path=_csv(tmp_path, KARIMI), source="fictional")
    member = UserFactory(full_name="Reza Karimi")
    membership = MembershipFactory(
        organisation=iran.organisation, user=member, role=Membership.Role.MEMBER
    )
    assert not Screening.objects.filter(person=member).exists()
    with django_capture_on_commit_callbacks(execute=True):
        change_member_role(membership=membership, actor=iran.owner, role=Membership.Role.OWNER)
    assert Case.objects.filter(person=member, status="open").exists()
