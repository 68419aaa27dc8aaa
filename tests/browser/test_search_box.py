"""The search boxes (the home page's and the workspace's) in right-to-left pages, on a desktop
and a 390-px phone: the placeholder reads right to left, its ellipsis where the sentence ends."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

ARTIFACTS = Path(__file__).parent / "artifacts"
WORDS = ["پسته", "فستق", "包装机", "saffron"]  # the examples, in the order written

# The placeholder drawn as the box draws it (its font, its direction) in a probe beside it, and
# where each of its characters lands: the x of the examples' first letters, and the gap between
# the sentence's last character and the one before it (an ellipsis adrift at the line's far end
# is many pixels from the word it follows).
_LAYOUT = """box => {
  const style = getComputedStyle(box);
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;top:0;white-space:pre;unicode-bidi:normal";
  probe.style.font = style.font;
  probe.style.direction = style.direction;
  const text = box.placeholder;
  probe.textContent = text;
  box.parentElement.appendChild(probe);
  const rect = i => {
    const range = document.createRange();
    range.setStart(probe.firstChild, i);
    range.setEnd(probe.firstChild, i + 1);
    return range.getBoundingClientRect();
  };
  const shown = [...text].map((c, i) => [c, i]).filter(([c]) => c.trim() && c !== "\\u200f");
  const [a, b] = [rect(shown.at(-1)[1]), rect(shown.at(-2)[1])];
  const gap = Math.max(0, Math.max(a.left, b.left) - Math.min(a.right, b.right));
  const starts = {};
  for (const word of WORDS) {
    if (text.includes(word)) { starts[word] = rect(text.indexOf(word)).left; }
  }
  probe.remove();
  return {direction: style.direction, gap, starts};
}"""
LANGUAGES = {"fa": ("fa-IR", "Asia/Tehran"), "ar": ("ar-AE", "Asia/Dubai")}
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_search_placeholder_reads_right_to_left(new_page, live_server, log_in, language):
    locale, zone = LANGUAGES[language]
    person = UserFactory(email=f"reader-{language}@example.test", language=language)
    for size, viewport in SIZES.items():
        visitor = new_page(locale=locale, timezone_id=zone, viewport=viewport)
        visitor.goto(f"{live_server.url}/?lang={language}")
        member = new_page(locale=locale, timezone_id=zone)
        log_in(member, person.email)
        member.set_viewport_size(viewport)
        member.goto(f"{live_server.url}/")
        for where, page in (("home", visitor), ("workspace", member)):
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            box = page.locator("main input[type=search][name=q]")
            layout = box.evaluate(_LAYOUT.replace("WORDS", json.dumps(WORDS)))
            assert layout["direction"] == "rtl", (where, size, layout)
            # The sentence's end stays with the word it ends (no "…" adrift at the far left).
            assert layout["gap"] <= 2, (where, size, layout)
            # The examples read right to left in the order written: the local word, 包装机, saffron.
            starts = [layout["starts"][word] for word in WORDS if word in layout["starts"]]
            assert len(starts) == 3 and starts == sorted(starts, reverse=True), (where, layout)
            page.evaluate("document.fonts.ready.then(() => true)")
            ARTIFACTS.mkdir(exist_ok=True)
            box.screenshot(path=ARTIFACTS / f"search_{where}_{language}_{size}.png")
            page.screenshot(path=ARTIFACTS / f"search_page_{where}_{language}_{size}.png")
