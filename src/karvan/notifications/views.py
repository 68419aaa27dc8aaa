from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.ids import parse_id
from karvan.notifications.selectors import list_notifications
from karvan.notifications.services import mark_notifications_read


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(list_notifications(viewer=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Without ids the button means "all"; ids that are not numbers mean none.
    ids = None
    if "id" in request.POST:
        ids = [value for value in map(parse_id, request.POST.getlist("id")) if value is not None]
    mark_notifications_read(actor=request.user, notification_ids=ids)
    return redirect("notifications:list")
