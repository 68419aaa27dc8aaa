from django.db.models import QuerySet

from karvan.accounts.models import ApiToken, User, password_fingerprint


def list_api_tokens(*, viewer: User) -> QuerySet[ApiToken]:
    """The viewer's tokens, expired ones included; those made before their password last changed
    are dead and not listed."""
    return ApiToken.objects.filter(user=viewer, password_fingerprint=password_fingerprint(viewer))


def list_center_staff() -> QuerySet[User]:
    """The center's active staff: who reviews organisations and listings and is told of them."""
    return User.objects.filter(is_staff=True, is_active=True)
