"""Row ids typed by people and programs: plain ASCII digits within the database's integer range."""

# The largest value of a 64-bit signed column (BigAutoField), on SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1


def parse_id(text: str) -> int | None:
    """The id written in `text`, or None when it is not one.

    `str.isdigit` also accepts superscripts and other scripts' digits ("²", "٣"), which `int`
    refuses or reads as a different number; a form field holding an id sends ASCII digits only.
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
