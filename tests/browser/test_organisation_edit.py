"""Editing an organisation's profile in the browser: one's own, and not another's."""

import pytest
from playwright.sync_api import expect

from karvan.directory.models import Organisation
from tests.factories import UserFactory, register_organisation


def profile(organisation: Organisation) -> dict[str, object]:
    organisation.refresh_from_db()
    return {
        "name": organisation.name,
        "description": organisation.description,
        "updated_at": organisation.updated_at,
    }


def test_owner_edits_the_english_description_and_sees_it_on_the_profile(page, live_server, log_in):
    """The owner changes the description; the saved text is what the profile page shows."""
    owner = UserFactory(full_name="Reza Karimi")
    organisation = register_organisation(
        owner=owner,
        name={"en": "Kerman Dried Fruit Co."},
        description={"en": "Dried figs and pistachios."},
    )
    log_in(page, owner.email)

    page.goto(f"{live_server.url}/organisations/{organisation.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Edit profile").click()
    expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.pk}/edit/")
    expect(page.locator("#id_description_en")).to_have_value("Dried figs and pistachios.")
    page.fill("#id_description_en", "Dried figs, pistachios and saffron, packed in Kerman.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.pk}/")
    expect(page.locator(".alert-success")).to_have_text("The profile is saved.")
    about = page.locator(".card", has=page.get_by_role("heading", name="About"))
    expect(about).to_contain_text("Dried figs, pistachios and saffron, packed in Kerman.")
    expect(about).not_to_contain_text("Dried figs and pistachios.")
    assert profile(organisation)["description"] == {
        "en": "Dried figs, pistachios and saffron, packed in Kerman."
    }


@pytest.mark.parametrize("action", ["edit", "members"])
def test_owner_of_another_organisation_gets_404_and_no_edit_link(
    page, page_guard, live_server, log_in, action
):
    """Owning organisation A gives no way into B: its management pages answer 404."""
    owner_a = UserFactory()
    register_organisation(owner=owner_a, name={"en": "Organisation A"})
    organisation_b = register_organisation(
        owner=UserFactory(), name={"en": "Organisation B"}, description={"en": "B's own words."}
    )
    before = profile(organisation_b)
    log_in(page, owner_a.email)

    page_guard.allow_console_error(r"status of 404")
    response = page.goto(f"{live_server.url}/organisations/{organisation_b.pk}/{action}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("B's own words.")
    assert profile(organisation_b) == before

    page.goto(f"{live_server.url}/organisations/{organisation_b.pk}/")
    expect(page.locator("main h1")).to_have_text("Organisation B")
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)
    expect(page.locator(f"a[href='/organisations/{organisation_b.pk}/edit/']")).to_have_count(0)
    expect(page.locator(f"a[href='/organisations/{organisation_b.pk}/members/']")).to_have_count(0)
