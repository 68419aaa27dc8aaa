"""The final document of an agreement as a PDF: plain data in, PDF bytes out (WeasyPrint).

No Django here: the Django layer gathers the agreement into an `AgreementDocument` (texts, parties,
signatures, audit trail, labels already translated into each language of the agreement) and this
module lays it out: the text side by side in the parties' languages, a signature page, an
audit-trail page, and on every page the verification code; the last page carries a QR code to the
public verification page. Persian and Arabic are shaped right to left by Pango/HarfBuzz; fonts come
from `font_faces` (the vendored web fonts) and then fontconfig (Debian's Noto fonts).
"""

import base64
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import segno

RTL = frozenset({"fa", "ar", "he", "ur", "ps", "ckb"})
FONT_STACK = (
    "'Karvan Vazirmatn', 'Vazirmatn', 'Noto Naskh Arabic', 'Noto Sans Arabic', "
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Noto Sans', 'DejaVu Sans', sans-serif"
)
LABEL_KEYS = (
    "agreement",
    "parties",
    "prevailing",
    "version",
    "signatures",
    "audit_trail",
    "signed_by",
    "signed_at",
    "not_signed",
    "document_hash",
    "ip_address",
    "user_agent",
    "verification",
    "verify_at",
    "page",
    "event_hash",
)


@dataclass(frozen=True)
class Party:
    name: str
    name_language: str
    country: str
    registry_id: str = ""


@dataclass(frozen=True)
class Signature:
    party: str
    party_language: str
    person: str
    typed_name: str
    title: str
    signed_at: datetime.datetime  # aware, UTC
    ip_address: str
    user_agent: str
    document_sha256: str
    drawing_png: bytes | None = None


@dataclass(frozen=True)
class AuditEntry:
    at: datetime.datetime  # aware, UTC
    actor: str
    action: str
    detail: str
    event_hash: str


@dataclass(frozen=True)
class AgreementDocument:
    code: str
    titles: Mapping[str, str]  # language → title
    texts: Mapping[str, str]  # language → full text, paragraphs separated by blank lines
    languages: Sequence[str]  # column order
    prevailing_language: str
    prevailing_note: Mapping[str, str]  # language → "In case of doubt, the … text prevails."
    parties: Sequence[Party]
    version: int
    document_sha256: str
    verify_url: str
    labels: Mapping[str, Mapping[str, str]]  # language → LABEL_KEYS → text
    signatures: Sequence[Signature] = ()
    audit: Sequence[AuditEntry] = ()
    issuer: str = "Karvan"
    watermark: str = ""  # e.g. "Draft — not signed", printed on every page of a preview
    font_faces: Sequence[tuple[str, Path]] = field(default_factory=tuple)  # (family, font file)


def direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in RTL else "ltr"


def _span(text: str, language: str, tag: str = "span", css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<{tag} lang="{escape(language)}" dir="{direction(language)}"{klass}>'
        f"{escape(text)}</{tag}>"
    )


def _label(document: AgreementDocument, key: str, sep: str = " · ") -> str:
    """A heading in every language of the agreement, each in its own lang and dir."""
    parts = []
    for language in document.languages:
        text = document.labels.get(language, {}).get(key) or document.labels.get("en", {}).get(key)
        if text:
            parts.append(_span(text, language))
    return escape(sep).join(parts)


def _paragraphs(text: str) -> list[str]:
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def _text_html(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _css(document: AgreementDocument) -> str:
    faces = "\n".join(
        f"@font-face {{ font-family: '{family}'; src: url('{path.as_uri()}'); }}"
        for family, path in document.font_faces
    )
    footer = f"{document.issuer} · {document.code}"
    mark = document.watermark.replace("\\", "").replace('"', "")
    top = (
        f'@top-center {{ content: "{mark}"; font: bold 11pt {FONT_STACK}; color: #b00020; }}'
        if mark
        else ""
    )
    return f"""
{faces}
@page {{
  size: A4; margin: 18mm 15mm 20mm 15mm;
  {top}
  @bottom-left {{ content: "{footer}"; font: 8pt {FONT_STACK}; color: #555; }}
  @bottom-right {{ content: counter(page) " / " counter(pages); font: 8pt {FONT_STACK};
                  color: #555; }}
}}
html {{ font-family: {FONT_STACK}; font-size: 10pt; line-height: 1.55; color: #111; }}
:lang(fa) {{ font-family: 'Karvan Vazirmatn', 'Vazirmatn', 'Noto Naskh Arabic', {FONT_STACK}; }}
:lang(ar) {{ font-family: 'Noto Naskh Arabic', 'Noto Sans Arabic', {FONT_STACK}; }}
:lang(zh-hans), :lang(zh) {{ font-family: 'Noto Sans CJK SC', 'Noto Sans SC', {FONT_STACK}; }}
h1 {{ font-size: 15pt; margin: 0 0 4mm; }}
h2 {{ font-size: 12pt; margin: 6mm 0 3mm; border-bottom: 0.5pt solid #999; }}
.titles span {{ display: block; }}
.meta {{ color: #333; font-size: 9pt; margin-bottom: 4mm; }}
.meta td {{ padding: 0.6mm 2mm; vertical-align: top; }}
table.text {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
table.text td {{ vertical-align: top; padding: 1.5mm 2.5mm; border-left: 0.4pt solid #ccc; }}
table.text td:first-child {{ border-left: none; }}
table.text th {{ font-size: 9pt; color: #333; border-bottom: 0.6pt solid #666;
                 padding: 1mm 2.5mm; }}
td[dir=rtl], th[dir=rtl] {{ text-align: right; }}
td[dir=ltr], th[dir=ltr] {{ text-align: left; }}
.prevails {{ font-size: 9pt; margin: 3mm 0; }}
.page-break {{ break-before: page; }}
.signature {{ border: 0.5pt solid #999; padding: 3mm; margin-bottom: 4mm; break-inside: avoid; }}
.signature img {{ height: 18mm; max-width: 70mm; }}
.signature .typed {{ font-size: 13pt; }}
.small {{ font-size: 7.5pt; color: #333; word-break: break-all; }}
table.audit {{ width: 100%; border-collapse: collapse; font-size: 8pt; }}
table.audit td, table.audit th {{ border-bottom: 0.3pt solid #bbb; padding: 1mm;
                                  vertical-align: top; text-align: left; }}
table.audit td.hash {{ font-family: 'DejaVu Sans Mono', monospace; font-size: 6.5pt;
                       word-break: break-all; width: 30%; }}
.verify {{ margin-top: 8mm; break-inside: avoid; }}
.verify img {{ width: 32mm; height: 32mm; float: left; margin-right: 5mm; }}
.code {{ font-family: 'DejaVu Sans Mono', monospace; font-size: 14pt; letter-spacing: 1pt; }}
"""


def _cover(document: AgreementDocument) -> str:
    titles = "".join(
        _span(document.titles[lang], lang)
        for lang in document.languages
        if document.titles.get(lang)
    )
    parties = "".join(
        f"<tr><td>{index}.</td><td>{_span(party.name, party.name_language)} "
        f"({escape(' · '.join(part for part in (party.country, party.registry_id) if part))})"
        "</td></tr>"
        for index, party in enumerate(document.parties, start=1)
    )
    note = " ".join(
        _span(document.prevailing_note[lang], lang, tag="div")
        for lang in document.languages
        if document.prevailing_note.get(lang)
    )
    return (
        f'<h1 class="titles">{titles}</h1>'
        f'<table class="meta"><tr><td colspan="2"><b>{_label(document, "parties")}</b></td></tr>'
        f"{parties}"
        f'<tr><td colspan="2">{_label(document, "version")}: {document.version} · '
        f"{_label(document, 'verification')}: <b>{escape(document.code)}</b></td></tr>"
        f'<tr><td colspan="2" class="small">{_label(document, "document_hash")}: '
        f"{escape(document.document_sha256)}</td></tr></table>"
        f'<div class="prevails">{note}</div>'
    )


def _side_by_side(document: AgreementDocument) -> str:
    languages = [lang for lang in document.languages if document.texts.get(lang)]
    if not languages:
        return ""
    head = "".join(
        f'<th lang="{lang}" dir="{direction(lang)}">'
        f"{escape(document.labels.get(lang, {}).get('agreement', lang))}</th>"
        for lang in languages
    )
    split = {lang: _paragraphs(document.texts[lang]) for lang in languages}
    counts = {len(blocks) for blocks in split.values()}
    rows: Iterable[tuple[str, ...]]
    if len(counts) == 1:  # clause by clause, aligned across languages
        rows = zip(*(split[lang] for lang in languages), strict=True)
    else:
        rows = [tuple("\n\n".join(split[lang]) for lang in languages)]
    body = "".join(
        "<tr>"
        + "".join(
            f'<td lang="{lang}" dir="{direction(lang)}">{_text_html(block)}</td>'
            for lang, block in zip(languages, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="text"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _signature_page(document: AgreementDocument) -> str:
    blocks = []
    for signature in document.signatures:
        drawing = ""
        if signature.drawing_png:
            data = base64.b64encode(signature.drawing_png).decode("ascii")
            drawing = f'<div><img src="data:image/png;base64,{data}" alt=""></div>'
        blocks.append(
            '<div class="signature">'
            f"<div><b>{_span(signature.party, signature.party_language)}</b></div>"
            f'<div class="typed">{escape(signature.typed_name)}</div>{drawing}'
            f"<div>{escape(signature.person)}"
            f"{' · ' + escape(signature.title) if signature.title else ''}</div>"
            f"<div>{_label(document, 'signed_at')}: {_utc(signature.signed_at)}</div>"
            f'<div class="small">{_label(document, "ip_address")}: '
            f"{escape(signature.ip_address)} · {_label(document, 'user_agent')}: "
            f"{escape(signature.user_agent)}</div>"
            f'<div class="small">{_label(document, "document_hash")}: '
            f"{escape(signature.document_sha256)}</div></div>"
        )
    if not blocks:
        blocks.append(f"<p>{_label(document, 'not_signed')}</p>")
    return f'<h2 class="page-break">{_label(document, "signatures")}</h2>{"".join(blocks)}'


def _audit_page(document: AgreementDocument) -> str:
    rows = "".join(
        f"<tr><td>{_utc(entry.at)}</td><td>{escape(entry.actor)}</td>"
        f"<td>{escape(entry.action)}<br><span class='small'>{escape(entry.detail)}</span></td>"
        f'<td class="hash">{escape(entry.event_hash)}</td></tr>'
        for entry in document.audit
    )
    qr = segno.make(document.verify_url, error="m").svg_data_uri(scale=4, border=1)
    return (
        f'<h2 class="page-break">{_label(document, "audit_trail")}</h2>'
        f'<table class="audit"><tbody>{rows}</tbody></table>'
        f'<div class="verify"><img src="{qr}" alt="QR">'
        f"<div>{_label(document, 'verification')}</div>"
        f'<div class="code">{escape(document.code)}</div>'
        f"<div>{_label(document, 'verify_at')}</div>"
        f'<div class="small">{escape(document.verify_url)}</div></div>'
    )


def agreement_html(document: AgreementDocument) -> str:
    """The whole document as one HTML page (also handy for a browser preview)."""
    first = document.languages[0] if document.languages else "en"
    title = document.titles.get(first, document.code)
    return (
        f'<!doctype html><html lang="{escape(first)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<meta name="author" content="{escape(document.issuer)}">'
        f'<meta name="keywords" content="karvan-verification-code:{escape(document.code)}">'
        f'<meta name="generator" content="Karvan">'
        f"<style>{_css(document)}</style></head><body>"
        f"{_cover(document)}{_side_by_side(document)}"
        f"{_signature_page(document)}{_audit_page(document)}</body></html>"
    )


def render_pdf(document: AgreementDocument) -> bytes:
    """Lay the document out and return the PDF bytes (not yet sealed)."""
    from weasyprint import HTML  # imported here: loading Pango costs time at start-up

    return HTML(string=agreement_html(document)).write_pdf()
