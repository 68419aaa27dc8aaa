from collections.abc import Callable, Mapping, Sequence

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.errors import DomainError
from karvan.core.files import serve_private_file
from karvan.core.text import localize
from karvan.directory.models import Organisation
from karvan.directory.selectors import list_organisations
from karvan.opportunities.forms import (
    InterestForm,
    OpportunityFilterForm,
    OpportunityForm,
    QuotationForm,
    RenewForm,
    ReplyForm,
    ReviewForm,
)
from karvan.opportunities.matching.recommendations import (
    recommend_for_opportunity,
)
from karvan.opportunities.models import Interest, InterestMessage, Opportunity, Quotation
from karvan.opportunities.permissions import (
    can_assess_opportunity,
    can_decide_interest,
    can_edit_opportunity,
    can_express_interest,
    can_review_opportunity,
    can_view_quotations_of,
)
from karvan.opportunities.search import search_opportunities
from karvan.opportunities.selectors import (
    assess_opportunity,
    get_interest,
    get_opportunity,
    get_quotation,
    get_viewer_interest,
    list_interests,
    list_opportunities,
    list_opportunities_in_review,
    list_quotations,
    list_review_changes,
    list_viewer_organisations,
)
from karvan.opportunities.services import (
    accept_interest,
    approve_opportunity,
    close_opportunity,
    create_opportunity,
    decline_interest,
    express_interest,
    needs_review,
    publish_opportunity,
    renew_opportunity,
    reply_to_interest,
    return_opportunity,
    submit_quotation,
    update_opportunity,
)

PAGE_SIZE = 20


def _organisation_choices(
    request: HttpRequest, exclude: int | None = None
) -> list[tuple[int, str]]:
    language = translation.get_language() or "en"
    return [
        (
            m.organisation_id,
            localize(m.organisation.name, language, original=m.organisation.original_language)[0],
        )
        for m in list_viewer_organisations(viewer=request.user)
        if m.organisation_id != exclude
    ]


def _visible(request: HttpRequest, pk: int) -> Opportunity:
    try:
        return get_opportunity(viewer=request.user, pk=pk)
    except Opportunity.DoesNotExist as error:
        raise Http404 from error


def search(request: HttpRequest) -> HttpResponse:
    """One search box over opportunities and organisations, in any of the four languages."""
    form = OpportunityFilterForm(request.GET or None)
    results: Sequence[Opportunity] | QuerySet[Opportunity] = Opportunity.objects.none()
    organisations = Organisation.objects.none()
    facets: Mapping[str, dict[str, int]] = {}
    if not request.GET or form.is_valid():
        filters = form.cleaned_data if request.GET else {}
        query = filters.get("q", "")
        found = search_opportunities(
            viewer=request.user,
            query=query,
            side=filters.get("side", ""),
            kind=filters.get("kind", ""),
            country=filters.get("country", ""),
            hs_chapter=filters.get("hs_chapter", ""),
            sector=filters.get("sector", ""),
            certification=filters.get("certification", ""),
        )
        results, facets = found.results, found.facets
        if query:
            organisations = list_organisations(
                viewer=request.user,
                query=query,
                country=filters.get("country", ""),
                sector=filters.get("sector", ""),
                hs_chapter=filters.get("hs_chapter", ""),
            )[:8]
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "facets": facets,
        "organisations": organisations,
        "querystring": query_without_page.urlencode(),
        "total": page.paginator.count,
    }
    template = (
        "opportunities/_search_results.html"
        if request.headers.get("HX-Request")
        else "opportunities/search.html"
    )
    return render(request, template, context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _visible(request, pk)
    can_edit = can_edit_opportunity(request.user, opportunity)
    can_review = can_review_opportunity(request.user, opportunity)
    interest = (
        get_viewer_interest(viewer=request.user, opportunity=opportunity)
        if request.user.is_authenticated
        else None
    )
    choices = _organisation_choices(request, exclude=opportunity.organisation_id)
    context = {
        "opportunity": opportunity,
        "can_edit": can_edit,
        "can_review": can_review,
        "review_form": ReviewForm() if can_review else None,
        "review_changes": list_review_changes(opportunity=opportunity)
        if (can_review or can_edit) and opportunity.status == Opportunity.Status.IN_REVIEW
        else [],
        "needs_review": can_edit and needs_review(opportunity),
        "quality": assess_opportunity(viewer=request.user, opportunity=opportunity)
        if can_assess_opportunity(request.user, opportunity)
        else None,
        "existing_interest": interest,
        "interest_form": InterestForm(organisations=choices)
        if interest is None and can_express_interest(request.user, opportunity)
        else None,
        "received_interests": opportunity.interests.select_related("organisation")
        if can_edit
        else [],
        "recommendations": recommend_for_opportunity(viewer=request.user, opportunity=opportunity)
        if opportunity.is_open
        else [],
        "can_see_quotations": can_view_quotations_of(request.user, opportunity),
        "own_quotation": list_quotations(viewer=request.user, opportunity=opportunity).first()
        if opportunity.is_rfq and not can_view_quotations_of(request.user, opportunity)
        else None,
        "can_quote": opportunity.accepts_quotations and bool(choices),
        "renew_form": RenewForm(),
    }
    return render(request, "opportunities/opportunity_detail.html", context)


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    choices = _organisation_choices(request)
    if not choices:
        messages.info(
            request, _("Register your organisation, or join one, before publishing opportunities.")
        )
        return redirect("directory:create")
    form = OpportunityForm(
        request.POST or None,
        organisations=choices,
        initial={"language": translation.get_language(), "side": Opportunity.Side.OFFER},
    )
    if request.method == "POST" and form.is_valid():
        organisation = Organisation.objects.get(pk=int(form.cleaned_data["organisation"]))
        try:
            opportunity = create_opportunity(
                actor=request.user, organisation=organisation, data=form.to_changes()
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, _("The draft is saved. Check the advice, then publish it."))
            return redirect(opportunity)
    return render(request, "opportunities/opportunity_form.html", {"form": form, "creating": True})


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _visible(request, pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise Http404
    choices = [(opportunity.organisation_id, str(opportunity.organisation))]
    if request.method == "POST":
        form = OpportunityForm(request.POST, organisations=choices)
        if form.is_valid():
            was_published = opportunity.status == Opportunity.Status.PUBLISHED
            try:
                saved = update_opportunity(
                    opportunity=opportunity, actor=request.user, changes=form.to_changes()
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.text)
            else:
                if was_published and saved.status == Opportunity.Status.IN_REVIEW:
                    messages.warning(
                        request,
                        _(
                            "Saved. You changed what the center's staff reviewed, so it awaits "
                            "their review again and is hidden until they publish it."
                        ),
                    )
                else:
                    messages.success(request, _("The opportunity is saved."))
                return redirect(opportunity)
    else:
        form = OpportunityForm(
            initial=OpportunityForm.initial_from(opportunity), organisations=choices
        )
    return render(
        request, "opportunities/opportunity_form.html", {"form": form, "opportunity": opportunity}
    )


def _state_change(
    request: AuthenticatedHttpRequest,
    pk: int,
    action: Callable[..., Opportunity],
    success: str,
) -> HttpResponse:
    opportunity = _visible(request, pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise Http404
    try:
        action(opportunity=opportunity, actor=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, success)
    return redirect(opportunity)


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _visible(request, pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise Http404
    try:
        opportunity = publish_opportunity(opportunity=opportunity, actor=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        if opportunity.status == Opportunity.Status.IN_REVIEW:
            messages.success(
                request,
                _("Submitted: the center's staff review it before the other side sees it."),
            )
        else:
            messages.success(request, _("The opportunity is published."))
    return redirect(opportunity)


@staff_member_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = [
        {
            "opportunity": opportunity,
            "quality": quality,
            "can_decide": can_review_opportunity(request.user, opportunity),
            "changes": list_review_changes(opportunity=opportunity),
        }
        for opportunity, quality in list_opportunities_in_review(viewer=request.user)
    ]
    return render(request, "opportunities/review_queue.html", {"items": items})


@staff_member_required
@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _visible(request, pk)
    try:
        if request.POST.get("decision") == "approve":
            approve_opportunity(opportunity=opportunity, actor=request.user)
            messages.success(request, _("The opportunity is published; its author is told."))
        else:
            form = ReviewForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(error) for error in form.errors["reason"]))
                return redirect(opportunity)
            return_opportunity(
                opportunity=opportunity, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("The opportunity is sent back to its author with your reason.")
            )
    except DomainError as error:
        messages.error(request, error.text)
    if request.POST.get("next") == "queue":
        return redirect("opportunities:review_queue")
    return redirect(opportunity)


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, close_opportunity, _("The opportunity is closed."))


@login_required
@require_POST
def renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = RenewForm(request.POST)
    days = form.cleaned_data["days"] if form.is_valid() else 90
    return _state_change(
        request,
        pk,
        lambda opportunity, actor: renew_opportunity(
            opportunity=opportunity, actor=actor, days=days
        ),
        _("The opportunity stays open longer."),
    )


@login_required
@require_POST
def interest_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _visible(request, pk)
    form = InterestForm(
        request.POST,
        request.FILES,
        organisations=_organisation_choices(request, exclude=opportunity.organisation_id),
    )
    if not form.is_valid():
        messages.error(request, _("Write a message and choose the organisation you speak for."))
        return redirect(opportunity)
    try:
        interest = express_interest(
            opportunity=opportunity,
            actor=request.user,
            organisation=Organisation.objects.get(pk=int(form.cleaned_data["organisation"])),
            message=form.cleaned_data["message"],
            language=translation.get_language() or "en",
            attachment=form.cleaned_data.get("attachment"),
        )
    except DomainError as error:
        messages.error(request, error.text)
        return redirect(opportunity)
    messages.success(request, _("Your interest is sent. The conversation continues here."))
    return redirect(interest)


def _visible_interest(request: HttpRequest, pk: int) -> Interest:
    try:
        return get_interest(viewer=request.user, pk=pk)
    except Interest.DoesNotExist as error:
        raise Http404 from error


@login_required
def interest_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interest = _visible_interest(request, pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply_to_interest(
                interest=interest,
                actor=request.user,
                body=form.cleaned_data["body"],
                language=translation.get_language() or "en",
                attachment=form.cleaned_data.get("attachment"),
            )
        except DomainError as error:
            if error.field == "attachment":
                form.add_error("attachment", error.text)
            else:
                messages.error(request, error.text)
        else:
            return redirect(interest)
    return render(
        request,
        "opportunities/interest_detail.html",
        {
            "interest": interest,
            "thread": interest.messages.select_related("author", "organisation"),
            "form": form,
            "can_decide": can_decide_interest(request.user, interest)
            and interest.status == Interest.Status.PENDING,
        },
    )


@login_required
@require_POST
def interest_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interest = _visible_interest(request, pk)
    action = accept_interest if request.POST.get("decision") == "accept" else decline_interest
    try:
        action(interest=interest, actor=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Your answer is sent."))
    return redirect(interest)


@login_required
def interest_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "opportunities/interest_list.html",
        {
            "received": list_interests(viewer=request.user, received=True)[:100],
            "sent": list_interests(viewer=request.user, received=False)[:100],
        },
    )


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation_ids = [m.organisation_id for m in list_viewer_organisations(viewer=request.user)]
    rows = list_opportunities(viewer=request.user).filter(organisation_id__in=organisation_ids)
    return render(
        request, "opportunities/mine.html", {"opportunities": rows.order_by("-updated_at")[:200]}
    )


@login_required
def quotations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The buyer compares every quotation side by side; a supplier sees only its own."""
    opportunity = _visible(request, pk)
    if not opportunity.is_rfq:
        raise Http404
    rows = list(list_quotations(viewer=request.user, opportunity=opportunity))
    if not rows and not can_view_quotations_of(request.user, opportunity):
        raise Http404
    return render(
        request,
        "opportunities/quotation_compare.html",
        {
            "opportunity": opportunity,
            "quotations": rows,
            "is_buyer": can_view_quotations_of(request.user, opportunity),
        },
    )


@login_required
def quotation_attachment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """A quotation's attachment, for the buyer's and the supplier's members only."""
    try:
        quotation = get_quotation(viewer=request.user, pk=pk)
    except Quotation.DoesNotExist as error:
        raise Http404 from error
    name = quotation.attachment.name
    extension = name.rsplit(".", 1)[-1] if name else "bin"
    return serve_private_file(quotation.attachment, filename=f"quotation-{pk}.{extension}")


@login_required
def quote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opportunity = _visible(request, pk)
    choices = _organisation_choices(request, exclude=opportunity.organisation_id)
    if not opportunity.is_rfq or not choices:
        raise Http404
    # The viewer's own organisations' quotation, never another supplier's (a buyer sees all).
    existing = (
        list_quotations(viewer=request.user, opportunity=opportunity)
        .filter(organisation_id__in=[pk for pk, _name in choices])
        .first()
    )
    form = QuotationForm(
        request.POST or None, request.FILES or None, instance=existing, organisations=choices
    )
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in form.Meta.fields}
        try:
            submit_quotation(
                opportunity=opportunity,
                actor=request.user,
                organisation=Organisation.objects.get(pk=int(form.cleaned_data["organisation"])),
                data=data,
                attachment=form.cleaned_data.get("attachment"),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(
                request, _("Your quotation is sent. You can revise it until the deadline.")
            )
            return redirect(opportunity)
    return render(
        request, "opportunities/quotation_form.html", {"form": form, "opportunity": opportunity}
    )


@login_required
def interest_attachment(
    request: AuthenticatedHttpRequest, pk: int, message_pk: int
) -> HttpResponseBase:
    """A document sent in an interest thread, for the thread's two organisations only."""
    interest = _visible_interest(request, pk)
    message = get_object_or_404(InterestMessage, pk=message_pk, interest=interest)
    if not message.attachment:
        raise Http404
    return serve_private_file(
        message.attachment, filename=f"message-{message.pk}.{message.attachment_extension}"
    )
