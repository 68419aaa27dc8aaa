from django.http import HttpRequest
from ninja import Router, Schema

from karvan.accounts.models import User
from karvan.api.auth import request_user
from karvan.directory.memberships import memberships_of

router: Router = Router(tags=["me"])


class MembershipOut(Schema):
    organisation_id: int
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    time_zone: str
    calendar: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[dict[str, object]]:
        return [{"organisation_id": m.organisation_id, "role": m.role} for m in memberships_of(obj)]


@router.get("", response=MeOut, summary="The authenticated person")
def me(request: HttpRequest) -> User:
    return request_user(request)
