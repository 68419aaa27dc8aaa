from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from karvan.core.form_fields import choice_field
from karvan.core.text import CONTENT_LANGUAGES
from karvan.knowledge.models import Question


def _language_choices() -> list[tuple[str, str]]:
    return [(code, translation.get_language_info(code)["name_local"]) for code in CONTENT_LANGUAGES]


def _default_language() -> str:
    language = translation.get_language() or "en"
    return language if language in CONTENT_LANGUAGES else "en"


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Question.Category.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Questions and experiences")), *Question.Kind.choices],
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    unanswered = forms.BooleanField(label=_("Unanswered only"), required=False)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Question.Category.choices)
    language = forms.ChoiceField(label=_("Language you write in"))
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separate them with commas, e.g. letter of credit, CCC, pistachio."),
    )
    to_other_side = forms.BooleanField(
        label=_("Ask the other side's community"),
        required=False,
        help_text=_("Its members are told about your question."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "language").choices = _language_choices()
        self.fields["language"].initial = _default_language()


class AnswerForm(forms.Form):
    language = forms.ChoiceField(label=_("Language you write in"))
    body = forms.CharField(
        label=_("Your answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "language").choices = _language_choices()
        self.fields["language"].initial = _default_language()


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=1000)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=[("1", "+1"), ("-1", "-1")], coerce=int)
    answer = forms.IntegerField(required=False)


class ExpertForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person"))
    field = forms.CharField(label=_("Field of expertise"), max_length=200)
