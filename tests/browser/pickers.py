"""Driving the searchable pickers (the vendored Tom Select) as a person does: type, pick, see."""

from playwright.sync_api import Locator, Page, expect


def picker_box(page: Page, select_id: str) -> Locator:
    """The visible box of the picker of `<select id=select_id>`: its chips and its search input.

    In single mode with a choice made, Tom Select moves the search input out of sight (it shows
    the chosen item instead) until the box is clicked or focused: a person clicks the box, not the
    input.
    """
    return page.locator(f"#{select_id}-ts-control").locator("xpath=..")


def pick(page: Page, select_id: str, query: str, value: str, *, only_match: bool = True) -> None:
    """Type `query` into the picker of `<select id=select_id>` and choose the option `value`.

    With `only_match`, the query must narrow the options to that one (e.g. the Persian word for
    pistachio to HS 0802). Afterwards the choice shows as a chip and the form's select holds it
    (the only one, for a single-choice picker).
    """
    box = picker_box(page, select_id)
    control = page.locator(f"#{select_id}-ts-control")
    box.click()
    expect(control).to_be_focused()
    control.fill(query)
    dropdown = page.locator(f"#{select_id}-ts-dropdown")
    options = dropdown.locator(".option")
    if only_match:
        expect(options).to_have_count(1)
    choice = dropdown.locator(f".option[data-value='{value}']")
    expect(choice).to_be_visible()
    choice.click()
    multiple = page.locator(f"#{select_id}").evaluate("select => select.multiple")
    if multiple:
        control.press("Escape")
    expect(box.locator(f".item[data-value='{value}']")).to_be_visible()
    selected = page.locator(f"#{select_id}").evaluate(
        "select => [...select.selectedOptions].map(o => o.value)"
    )
    assert (value in selected) if multiple else (selected == [value]), selected
