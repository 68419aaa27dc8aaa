"""The demo's compliance screening: a small INVENTED sanctions list (`data/
fictional_sanctions_list.csv`: every entity on it is made up for the demo, and the file says so in
each row), loaded like any list, so that the officers' queue has something to show: the Hormuz
bitumen trader with an open case, and a Guangzhou auto-parts maker cleared as a false positive."""

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import Permission

from karvan.accounts.models import User
from karvan.compliance.models import Case
from karvan.compliance.services import decide_case, load_list, screen_organisation_and_owners
from karvan.demo.models import DemoRecord
from karvan.directory.models import Organisation

LIST_FILE = Path(__file__).resolve().parent / "data" / "fictional_sanctions_list.csv"
SOURCE = "karvan_fictional_demo_list"
CLEARED = "organisation:autoparts-huadu"
CLEARED_COMMENT = (
    "Another company: the listed Junchi Auto Parts is in Wenzhou; this one is registered in "
    "Guangzhou (Huadu) under its own Unified Social Credit Code, checked with the registry."
)


def load_screening(progress: Callable[[str], None] = lambda _message: None) -> None:
    """Make the demo staff compliance officers, load the invented list, screen the demo
    organisations and clear the one false positive; loading again changes nothing."""
    officers = list(User.objects.filter(is_staff=True, email__endswith="@demo.karvan.example"))
    permission = Permission.objects.get(
        codename="review_case", content_type__app_label="compliance"
    )
    for officer in officers:
        officer.user_permissions.add(permission)
    load_list(path=LIST_FILE, source=SOURCE)
    keys = DemoRecord.objects.filter(key__startswith="organisation:")
    ids = [record.object_id for record in keys]
    for organisation in Organisation.objects.filter(pk__in=ids).order_by("pk"):
        screen_organisation_and_owners(organisation=organisation)
    progress(f"screening: {Case.objects.filter(entry__source=SOURCE).count()} cases")
    record = DemoRecord.objects.filter(key=CLEARED).first()
    reviewer = User.objects.filter(pk__in=[o.pk for o in officers]).order_by("pk").first()
    if record is None or reviewer is None:
        return
    for case in Case.objects.filter(
        organisation_id=record.object_id,
        entry__source=SOURCE,
        status__in=[Case.Status.OPEN, Case.Status.IN_REVIEW],
    ):
        decide_case(
            actor=reviewer, case=case, decision=Case.Status.CLEARED, comment=CLEARED_COMMENT
        )
