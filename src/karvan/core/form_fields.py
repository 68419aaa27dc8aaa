"""Helpers for forms that fill their choices when they are made."""

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, typed as the choice field it is (its choices set per request).

    Raises TypeError if the field is not a choice field: setting `choices` on it would do nothing.
    """
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name!r} is a {type(field).__name__}, not a choice field")
    return field
