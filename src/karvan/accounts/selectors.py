from django.db.models import QuerySet

from karvan.accounts.models import ApiToken, User


def list_api_tokens(*, viewer: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=viewer)
