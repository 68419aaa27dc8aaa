"""Driving the searchable pickers (the vendored Tom Select) as a person does: type, pick, see."""

from playwright.sync_api import Page, expect


def pick(page: Page, select_id: str, query: str, value: str, *, only_match: bool = True) -> None:
    """Type `query` into the picker of `<select id=select_id>` and choose the option `value`.

    With `only_match`, the query must narrow the options to that one (e.g. the Persian word for
    pistachio to HS 0802). Afterwards the choice shows as a chip and the form's select holds it.
    """
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill(query)
    dropdown = page.locator(f"#{select_id}-ts-dropdown")
    options = dropdown.locator(".option")
    if only_match:
        expect(options).to_have_count(1)
    choice = dropdown.locator(f".option[data-value='{value}']")
    expect(choice).to_be_visible()
    choice.click()
    control.press("Escape")
    expect(
        page.locator(f"#{select_id}-ts-control")
        .locator("xpath=..")
        .locator(f".item[data-value='{value}']")
    ).to_be_visible()
    selected = page.locator(f"#{select_id}").evaluate(
        "select => [...select.selectedOptions].map(o => o.value)"
    )
    assert value in selected, selected
