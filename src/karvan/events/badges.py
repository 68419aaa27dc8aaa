"""Badges: the QR code staff scan at check-in, drawn server-side as SVG (no script, no host)."""

import io

import segno


def qr_svg(text: str, *, scale: int = 4) -> str:
    """An SVG QR code of a short text, with a quiet zone, black on white."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2, title=text
    )
    return buffer.getvalue().decode("utf-8")
