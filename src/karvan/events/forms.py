from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from karvan.core.time_zones import time_zone_choices
from karvan.core.widgets import (
    CalendarDateField,
    CountryChoiceField,
    NativeDigitsMixin,
    PickerSelect,
)
from karvan.events.models import Event, MeetingParticipant, Session, Slot


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """A declared choice field of the form, for choices known only per request."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(name)
    return field


def _model_choice_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A declared model choice field of the form, for rows known only per request."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(name)
    return field


class EventForm(NativeDigitsMixin, forms.Form):
    organiser = forms.ChoiceField(label=_("Organised by"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    original_language = forms.ChoiceField(
        label=_("Language you write in"), choices=settings.LANGUAGES
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea({"rows": 4})
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone of the event"), choices=time_zone_choices)
    countries = CountryChoiceField(label=_("Participating countries"))
    starts_on = CalendarDateField(label=_("First day"))
    ends_on = CalendarDateField(label=_("Last day"))
    request_mode = forms.ChoiceField(label=_("Meeting requests"), choices=Event.RequestMode.choices)
    scheduling_mode = forms.ChoiceField(label=_("Scheduling"), choices=Event.SchedulingMode.choices)
    request_expiry_hours = forms.IntegerField(
        label=_("Unanswered requests expire after (hours)"), min_value=1, max_value=1440
    )

    def __init__(self, *args: Any, organisers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "organiser").choices = organisers

    def clean_countries(self) -> list[str]:
        codes: list[str] = self.cleaned_data["countries"]
        if not codes:
            raise forms.ValidationError(_("Give two-letter country codes, e.g. IR, CN."))
        return codes

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


class SessionForm(NativeDigitsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    day = CalendarDateField(label=_("Day"))
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput({"type": "time"}))
    end_time = forms.TimeField(label=_("Ends"), widget=forms.TimeInput({"type": "time"}))
    meeting_minutes = forms.IntegerField(
        label=_("Meeting length (minutes)"), min_value=5, max_value=240, initial=30
    )
    break_minutes = forms.IntegerField(
        label=_("Break between meetings (minutes)"), min_value=0, max_value=120, initial=5
    )
    tables = forms.IntegerField(label=_("Tables"), min_value=1, max_value=2000, initial=10)
    hold_on_holidays = forms.BooleanField(
        label=_("Hold it even on a weekend or holiday"), required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("A session must end after it starts."))
        return data


class MeetingPointsForm(forms.Form):
    names = forms.CharField(
        label=_("Names of the tables, booths or meeting points"),
        required=False,
        max_length=20000,
        widget=forms.Textarea({"rows": 5}),
        help_text=_("One a line, in table order. Leave empty to number them."),
    )


class IdsField(forms.ModelMultipleChoiceField):
    """Several rows by id; a value that is not a plain number a database key can hold (`²`,
    `1:2`, 10**30) is a form error, never a query the database refuses."""

    def _check_values(self, value: object) -> object:
        for pk in value:  # type: ignore[attr-defined]
            text = str(pk)
            if not (text.isdecimal() and len(text) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        # django-stubs leave out this private hook of ModelMultipleChoiceField (it checks ids).
        return super()._check_values(value)  # type: ignore[misc]


class RegistrationForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    person = forms.ChoiceField(label=_("Person"), widget=PickerSelect())
    sessions = IdsField(
        label=_("Sessions"),
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to attend every session."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        people: list[tuple[int, str]],
        sessions: QuerySet[Session],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "organisation").choices = organisations
        _choice_field(self, "person").choices = people
        _model_choice_field(self, "sessions").queryset = sessions


class SessionsForm(forms.Form):
    sessions = IdsField(
        label=_("Sessions"),
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice_field(self, "sessions").queryset = sessions


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class DelegationForm(forms.Form):
    leader = forms.ChoiceField(label=_("Leading organisation"))
    name = forms.CharField(label=_("Name of the delegation"), max_length=200)

    def __init__(self, *args: Any, leaders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "leader").choices = leaders


class DelegationMemberForm(forms.Form):
    registry_id = forms.CharField(
        label=_("Registry identifier of the organisation"),
        max_length=32,
        help_text=_(
            "The organisation must already be registered on Karvan; it joins once one of its "
            "managers accepts the invitation."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Header row, then one person a row: organisation, registry_id, country, email, "
            "sessions (numbers or titles separated by semicolons). Only people who are already "
            "members of the delegation's organisations on Karvan are registered."
        ),
    )


class MeetingRequestForm(forms.Form):
    sender = forms.ChoiceField(label=_("On behalf of"))
    reason = forms.CharField(
        label=_("Why do you want to meet?"),
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
    )
    language = forms.ChoiceField(label=_("Language you write in"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, senders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "sender").choices = senders


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Slot) -> str:
        from karvan.core.calendars import format_datetime

        return format_datetime(obj.starts_at)


class AcceptForm(forms.Form):
    slot = SlotChoiceField(label=_("Slot"), queryset=Slot.objects.none(), required=False)

    def __init__(self, *args: Any, slots: list[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice_field(self, "slot").queryset = Slot.objects.filter(
            pk__in=[s.pk for s in slots]
        )


class AddParticipantForm(forms.Form):
    """The organiser's picker of a participant to add to a meeting (a delegation's leader, an
    interpreter), searchable among the event's participants by name or organisation."""

    registration = forms.ChoiceField(
        label=_("Add a participant (a delegation's leader, an interpreter…)"),
        widget=PickerSelect(attrs={"id": "add-participant"}),
    )

    def __init__(self, *args: Any, participants: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "registration").choices = participants


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        label=_("Priority for the scheduler"),
        coerce=int,
        choices=[
            (1, _("Normal")),
            (2, _("High (both sides asked)")),
            (3, _("Highest (the organiser's choice)")),
        ],
    )


class MoveForm(NativeDigitsMixin, forms.Form):
    slot = SlotChoiceField(label=_("Slot"), queryset=Slot.objects.none())
    table = forms.IntegerField(label=_("Table"), min_value=1, required=False)

    def __init__(self, *args: Any, slots: QuerySet[Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice_field(self, "slot").queryset = slots


class ScheduleRunForm(NativeDigitsMixin, forms.Form):
    time_limit = forms.IntegerField(
        label=_("Longest time to spend planning (seconds)"),
        min_value=1,
        initial=30,
        help_text=_("A large event may need more time to place every meeting."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_limit"]
        if not isinstance(field, forms.IntegerField):
            raise TypeError(field)
        field.max_value = settings.KARVAN_SCHEDULE_MAX_SECONDS
        field.validators.append(MaxValueValidator(field.max_value))
        field.widget.attrs["max"] = field.max_value


class CheckInForm(NativeDigitsMixin, forms.Form):
    digit_fields = ("code",)
    code = forms.CharField(
        label=_("Badge code"),
        max_length=40,
        widget=forms.TextInput({"autofocus": True, "autocomplete": "off"}),
    )


class FeedbackForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=MeetingParticipant.Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )


class ParticipantFilterForm(forms.Form):
    """Filters of the participants page; a value that fails its check filters nothing."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.RegexField(
        label=_("Sector (ISIC code)"), regex=r"^[A-Za-z]?\d{0,4}$", max_length=5, required=False
    )
    chapter = forms.RegexField(
        label=_("HS chapter"), regex=r"^\d{2}$", max_length=2, required=False
    )

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "country").choices = [("", _("All countries")), *countries]
