"""E-mail rendered in the recipient's language, zone and calendar, whoever triggered it."""

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from karvan.core.calendars import override_calendar


def render_text(template_name: str, context: Mapping[str, object]) -> str:
    """Render a plain-text template without HTML escaping: "Smith & Sons" stays as written."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(dict(context), autoescape=False))


@dataclass(frozen=True)
class RenderedMail:
    to: str
    subject: str
    text: str
    html: str


def render_mail(
    *,
    to: str,
    language: str,
    time_zone: str,
    calendar: str,
    template: str,
    context: Mapping[str, object],
) -> RenderedMail:
    """Render `<template>_subject.txt` and `_body.txt` as the recipient reads them."""
    with (
        translation.override(language),
        override_calendar(calendar),
        timezone.override(zoneinfo.ZoneInfo(time_zone)),
    ):
        full_context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_text(f"{template}_subject.txt", full_context).split())
        text = render_text(f"{template}_body.txt", full_context)
        # The text is plain and unescaped: escape it once for the HTML version.
        html = render_to_string("core/email_base.html", {**full_context, "body": escape(text)})
    return RenderedMail(to=to, subject=subject, text=text, html=html)


def send_mail_now(mail: RenderedMail, *, headers: Mapping[str, str] | None = None) -> None:
    message = EmailMultiAlternatives(
        mail.subject, mail.text, settings.DEFAULT_FROM_EMAIL, [mail.to], headers=dict(headers or {})
    )
    message.attach_alternative(mail.html, "text/html")
    message.send()


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
    send_mail_now(
        render_mail(
            to=to,
            language=language,
            time_zone=time_zone,
            calendar=calendar,
            template=template,
            context=context,
        )
    )


class Reader(Protocol):
    """Anyone Karvan writes to: an address and how they read (a person, in practice)."""

    email: str
    language: str
    time_zone: str
    calendar: str


def render_mail_to_person(
    person: Reader, *, template: str, context: Mapping[str, object]
) -> RenderedMail:
    """A mail to a person rendered in their own language, zone and calendar."""
    return render_mail(
        to=person.email,
        language=person.language,
        time_zone=person.time_zone,
        calendar=person.calendar,
        template=template,
        context=context,
    )


def send_mail_to_person(person: Reader, *, template: str, context: Mapping[str, object]) -> None:
    """Send a rendered mail to a person, in their own language, zone and calendar."""
    send_rendered_mail(
        to=person.email,
        language=person.language,
        time_zone=person.time_zone,
        calendar=person.calendar,
        template=template,
        context=context,
    )
