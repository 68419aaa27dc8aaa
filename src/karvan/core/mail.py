"""E-mail rendered in the recipient's language, zone and calendar, whoever triggered it."""

import zoneinfo
from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from karvan.core.calendars import override_calendar


def send_rendered_mail(
    *,
    to: str,
    language: str,
    time_zone: str,
    calendar: str,
    template: str,
    context: Mapping[str, object],
) -> None:
    """Render `<template>_subject.txt` and `_body.txt` as the recipient reads them; send."""
    with (
        translation.override(language),
        override_calendar(calendar),
        timezone.override(zoneinfo.ZoneInfo(time_zone)),
    ):
        full_context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
        text = render_to_string(f"{template}_body.txt", full_context)
        html = render_to_string("core/email_base.html", {**full_context, "body": text})
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
