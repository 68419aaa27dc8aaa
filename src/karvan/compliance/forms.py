from django import forms
from django.utils.translation import gettext_lazy as _

from karvan.compliance.models import Case


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Case.Status.CLEARED, _("False positive: not the same")),
            (Case.Status.CONFIRMED, _("Confirmed match")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Case.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All")), ("organisation", _("Organisations")), ("person", _("People"))],
        required=False,
    )
