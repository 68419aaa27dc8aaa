"""A visitor's times follow the browser's zone, which the page script hands to the server."""

import pytest


@pytest.mark.browser_context(locale="en-GB", timezone_id="Asia/Shanghai")
def test_visitor_sees_times_in_the_browser_zone_from_the_second_page_on(page, live_server):
    """The first page sets the zone cookie; the next one shows times in Beijing time."""
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/organisations/")
    assert "Asia/Shanghai" in page.locator("footer").inner_text()
