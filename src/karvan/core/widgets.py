"""Form widgets and fields shared by the apps: code pickers searchable in all four languages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from karvan.core.models import HsCode, IsicCode


class CodePickerWidget(forms.SelectMultiple):
    """A multiple select whose options carry their names in every language for the page filter."""

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(
            attrs={
                "size": 8,
                "data-code-picker": "1",
                "data-filter-placeholder": _("Filter: a code or a name in any language"),
                **(attrs or {}),
            }
        )

    def create_option(
        self,
        name: str,
        value: object,
        label: str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, object] | None = None,
    ) -> dict[str, object]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-search"] = " ".join([instance.code, *instance.names.values()])
        return option


class CodeChoiceField(forms.ModelMultipleChoiceField):
    widget = CodePickerWidget

    def label_from_instance(self, obj: HsCode | IsicCode) -> str:
        return f"{obj.code} · {obj.name}"
