from collections.abc import Iterable, Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.errors import DomainError
from karvan.core.text import localize
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.directory.permissions import can_edit_organisation
from karvan.opportunities.models import Opportunity
from karvan.opportunities.permissions import can_view_opportunity
from karvan.parks.forms import InquiryForm, ParkFilterForm, ParkForm, ReplyForm, UnitForm
from karvan.parks.map import MapPoint, render_map
from karvan.parks.models import Inquiry, Park, Unit
from karvan.parks.permissions import can_inquire, can_manage_park
from karvan.parks.selectors import (
    get_inquiry,
    get_park,
    list_inquiries,
    list_park_opportunities,
    list_parks,
    list_units,
    summarise_parks,
)
from karvan.parks.services import (
    close_inquiry,
    reply_to_inquiry,
    save_park_profile,
    save_unit,
    send_inquiry,
)


def _language() -> str:
    return translation.get_language() or "en"


def _name(organisation: Organisation) -> str:
    return localize(organisation.name, _language(), original=organisation.original_language)[0]


def _park(pk: int) -> Park:
    try:
        return get_park(pk=pk)
    except Park.DoesNotExist as error:
        raise Http404 from error


def _filtered(request: HttpRequest) -> tuple[ParkFilterForm, QuerySet[Park]]:
    form = ParkFilterForm(request.GET or None)
    filters = form.cleaned_data if request.GET and form.is_valid() else {}
    parks = list_parks(
        country=filters.get("country", ""), free_zone=True if filters.get("free_zone") else None
    )
    return form, parks


def _map_svg(parks: Iterable[Park], highlight: int | None = None) -> str:
    points = [
        MapPoint(
            latitude=float(park.latitude),
            longitude=float(park.longitude),
            label=_name(park.organisation),
            url=park.get_absolute_url(),
            highlighted=park.pk == highlight,
        )
        for park in parks
    ]
    return render_map(points, title=_("Map of industrial parks"))


def park_list(request: HttpRequest) -> HttpResponse:
    form, parks = _filtered(request)
    return render(
        request,
        "parks/park_list.html",
        {
            "form": form,
            "parks": parks,
            "map_svg": _map_svg(parks),
            "summary": summarise_parks(),
        },
    )


def park_map(request: HttpRequest) -> HttpResponse:
    """The map alone, as an SVG file (for embedding and printing)."""
    _form, parks = _filtered(request)
    return HttpResponse(_map_svg(parks), content_type="image/svg+xml; charset=utf-8")


def park_detail(request: HttpRequest, pk: int) -> HttpResponse:
    park = _park(pk)
    manages = can_manage_park(request.user, park)
    units = list(list_units(park=park))
    opportunities = list(list_park_opportunities(viewer=request.user, park=park))
    inquiry_form = None
    if can_inquire(request.user, park):
        inquiry_form = _inquiry_form(request, park, units, opportunities)
    return render(
        request,
        "parks/park_detail.html",
        {
            "park": park,
            "units": units if manages else [u for u in units if u.status != Unit.Status.TAKEN],
            "opportunities": opportunities,
            "can_manage": manages,
            "inquiries": list_inquiries(viewer=request.user, park=park) if manages else [],
            "inquiry_form": inquiry_form,
            "map_svg": _map_svg([park], highlight=park.pk),
        },
    )


def _inquiry_form(
    request: HttpRequest,
    park: Park,
    units: list[Unit],
    opportunities: Sequence[Opportunity],
    data: object = None,
) -> InquiryForm:
    organisations = [
        (m.organisation_id, _name(m.organisation))
        for m in memberships.memberships_of(request.user)
        if m.organisation_id != park.organisation_id
    ]
    return InquiryForm(
        data,
        organisations=organisations,
        units=[
            (unit.pk, f"{unit.reference} · {unit.get_kind_display()} · {unit.area_m2:g} m²")
            for unit in units
            if unit.status == Unit.Status.AVAILABLE
        ],
        opportunities=[(o.pk, o.title) for o in opportunities],
    )


@login_required
@require_POST
def inquire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    park = _park(pk)
    units = list(list_units(park=park))
    opportunities = list(list_park_opportunities(viewer=request.user, park=park))
    form = _inquiry_form(request, park, units, opportunities, request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a subject and a message."))
        return redirect(park)
    data = form.cleaned_data
    organisation = get_object_or_404(Organisation, pk=data["organisation"])
    unit = next((u for u in units if str(u.pk) == data.get("unit")), None)
    opportunity = next((o for o in opportunities if str(o.pk) == data.get("opportunity")), None)
    try:
        inquiry = send_inquiry(
            actor=request.user,
            park=park,
            organisation=organisation,
            subject=data["subject"],
            body=data["body"],
            language=request.user.language,
            unit=unit,
            opportunity=opportunity,
        )
    except DomainError as error:
        messages.error(request, error.text)
        return redirect(park)
    messages.success(request, _("Your inquiry is sent to the park."))
    return redirect(inquiry)


@login_required
def inquiry_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "parks/inquiry_list.html", {"inquiries": list_inquiries(viewer=request.user)}
    )


@login_required
def inquiry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        inquiry = get_inquiry(viewer=request.user, pk=pk)
    except Inquiry.DoesNotExist as error:
        raise Http404 from error
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                close_inquiry(inquiry=inquiry, actor=request.user)
            elif form.is_valid():
                reply_to_inquiry(
                    inquiry=inquiry,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    language=request.user.language,
                )
            else:
                return _render_inquiry(request, inquiry, form)
        except DomainError as error:
            messages.error(request, error.text)
        return redirect(inquiry)
    return _render_inquiry(request, inquiry, form)


def _render_inquiry(request: HttpRequest, inquiry: Inquiry, form: ReplyForm) -> HttpResponse:
    # A listing closed or drafted since the inquiry is named only to those who may still see it.
    opportunity = inquiry.opportunity
    if opportunity is not None and not can_view_opportunity(request.user, opportunity):
        opportunity = None
    return render(
        request,
        "parks/inquiry_detail.html",
        {"inquiry": inquiry, "form": form, "opportunity": opportunity},
    )


@login_required
def park_edit(request: AuthenticatedHttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation, pk=organisation_pk, kind=Organisation.Kind.INDUSTRIAL_PARK
    )
    if not can_edit_organisation(request.user, organisation):
        raise Http404
    park = Park.objects.filter(organisation=organisation).first()
    initial = {}
    if park is not None:
        initial = {
            "latitude": park.latitude,
            "longitude": park.longitude,
            "total_land_ha": park.total_land_ha,
            "available_land_ha": park.available_land_ha,
            "utilities": park.utilities,
            "logistics": "\n".join(
                f"{item['kind']} | {item['name']} | {item.get('distance_km') or ''}"
                for item in park.logistics
            ),
            "incentives": park.incentives.get(organisation.original_language, ""),
            "is_free_zone": park.is_free_zone,
            "sectors": ", ".join(park.sectors.values_list("code", flat=True)),
            "contact_name": park.contact_name,
            "contact_email": park.contact_email,
            "contact_phone": park.contact_phone,
        }
    form = ParkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        incentives = dict(park.incentives) if park else {}
        incentives[organisation.original_language] = data.pop("incentives")
        data["incentives"] = incentives
        try:
            park = save_park_profile(actor=request.user, organisation=organisation, data=data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, _("The park's profile is saved."))
            return redirect(park)
    return render(
        request, "parks/park_form.html", {"form": form, "organisation": organisation, "park": park}
    )


@login_required
def unit_edit(
    request: AuthenticatedHttpRequest, pk: int, unit_pk: int | None = None
) -> HttpResponse:
    park = _park(pk)
    if not can_manage_park(request.user, park):
        raise Http404
    unit = get_object_or_404(Unit, pk=unit_pk, park=park) if unit_pk else None
    initial = (
        {"description_text": unit.description.get(park.organisation.original_language, "")}
        if unit
        else {}
    )
    form = UnitForm(request.POST or None, instance=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in UnitForm.Meta.fields}
        description = dict(unit.description) if unit else {}
        description[park.organisation.original_language] = form.cleaned_data["description_text"]
        data["description"] = description
        try:
            save_unit(
                actor=request.user,
                park=park,
                data=data,
                unit=Unit.objects.filter(pk=unit_pk).first() if unit_pk else None,
            )
        except DomainError as error:
            form.add_error(None, error.text)
        else:
            return redirect(park)
    return render(request, "parks/unit_form.html", {"form": form, "park": park, "unit": unit})
