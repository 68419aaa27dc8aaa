"""Signing up in the browser: the form, the confirmation e-mail, the first log-in."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from karvan.accounts.models import User


def in_language(language: str, message: str) -> str:
    """The interface text as the server renders it in that language (translated or not yet)."""
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.browser_context(locale="zh-CN", timezone_id="Asia/Shanghai")
def test_sign_up_confirm_and_log_in_from_a_browser_in_shanghai(page, live_server, log_in):
    """A visitor in Beijing time signs up, opens the link from the e-mail and logs in."""
    page.goto(f"{live_server.url}/accounts/signup/")

    # The page script proposes the browser's zone and the language negotiated from the browser.
    expect(page.locator("#id_time_zone")).to_have_value("Asia/Shanghai")
    expect(page.locator("#id_language")).to_have_value("zh-hans")
    page.fill("#id_full_name", "Wang Wei")
    page.fill("#id_full_name_native", "王伟")
    page.fill("#id_email", "wang.wei@example.test")
    page.fill("#id_password", "a long and unusual passphrase 42")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    expect(page.locator("main h1")).to_have_text(
        in_language("zh-hans", "Confirm your e-mail address")
    )
    expect(page.locator("main strong")).to_have_text("wang.wei@example.test")
    user = User.objects.get(email="wang.wei@example.test")
    assert (user.time_zone, user.language, user.has_confirmed_email) == (
        "Asia/Shanghai",
        "zh-hans",
        False,
    )

    # The live server runs in this process and sends through the locmem backend.
    assert [message.to for message in mail.outbox] == [["wang.wei@example.test"]]
    path = re.search(r"/accounts/confirm/[^/\s]+/", mail.outbox[0].body).group(0)
    page.goto(f"{live_server.url}{path}")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator(".alert-success")).to_have_text(
        in_language("zh-hans", "Your e-mail address is confirmed. You can log in now.")
    )

    log_in(page, "wang.wei@example.test", "a long and unusual passphrase 42")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("nav #user-menu")).to_have_text("王伟")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
