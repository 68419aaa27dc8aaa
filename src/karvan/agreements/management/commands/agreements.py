"""`karvan agreements list|export|certificate|load-templates`: the operator's view of agreements."""

import json
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from karvan.agreements.documents.platform import get_sealing_key
from karvan.agreements.documents.sealing import SealingKeyError, check_sealed_pdf
from karvan.agreements.models import Agreement
from karvan.agreements.selectors import list_all_agreements
from karvan.agreements.templates_data import load_agreement_templates
from karvan.core.text import localize


def _party(party: object) -> dict[str, object]:
    organisation = party.organisation  # type: ignore[attr-defined]
    return {
        "id": organisation.pk,
        "name": localize(organisation.name, "en", original=organisation.original_language)[0],
        "names": organisation.name,
        "country": organisation.country,
        "language": party.language,  # type: ignore[attr-defined]
    }


class Command(BaseCommand):
    help = "Agreements: list them, export a sealed PDF, show the sealing certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        listing: ArgumentParser = subcommands.add_parser("list", help="list the agreements")
        listing.add_argument("--signed", action="store_true", help="only signed agreements")
        listing.add_argument("--json", action="store_true", help="a JSON list of objects")
        export: ArgumentParser = subcommands.add_parser("export", help="write a sealed PDF")
        export.add_argument("code", help="the agreement's verification code, e.g. KV-7XK2-9QPM")
        export.add_argument("--out", required=True, type=Path, help="PDF file to write")
        subcommands.add_parser(
            "certificate", help="create the platform's sealing certificate if needed; show it"
        )
        subcommands.add_parser(
            "load-templates", help="load (and overwrite) the templates shipped with Karvan"
        )

    def handle(self, *args: object, **options: object) -> None:
        with translation.override("en"):
            subcommand = options["subcommand"]
            if subcommand == "list":
                self._list(signed=bool(options["signed"]), as_json=bool(options["json"]))
            elif subcommand == "export":
                self._export(str(options["code"]), options["out"])  # type: ignore[arg-type]
            elif subcommand == "certificate":
                self._certificate()
            else:
                count = load_agreement_templates(update=True)
                self.stdout.write(f"{count} templates loaded")

    def _list(self, *, signed: bool, as_json: bool) -> None:
        rows = []
        for agreement in list_all_agreements(signed_only=signed):
            title = agreement.versions.order_by("-number").values_list("title", flat=True).first()
            rows.append(
                {
                    "code": agreement.code,
                    "title": localize(title or {}, "en", original=agreement.prevailing_language)[0],
                    "titles": title or {},
                    "status": agreement.status,
                    "kind": agreement.kind,
                    "parties": [_party(party) for party in agreement.parties.all()],
                    "languages": agreement.languages,
                    "prevailing_language": agreement.prevailing_language,
                    "created_at": agreement.created_at.isoformat(),
                    "signed_at": agreement.signed_at.isoformat() if agreement.signed_at else None,
                    "sealed_sha256": agreement.sealed_sha256 or None,
                }
            )
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            parties = " · ".join(party["name"] for party in row["parties"])
            self.stdout.write(f"{row['code']}  {row['status']:<9}  {row['title']}  [{parties}]")
        self.stdout.write(f"{len(rows)} agreements")

    def _export(self, code: str, out: Path) -> None:
        agreement = Agreement.objects.filter(code=code.strip().upper()).first()
        if agreement is None:
            raise CommandError(f"no agreement with the code {code}")
        if not agreement.is_sealed:
            raise CommandError(
                f"{agreement.code} has no sealed PDF yet (status: {agreement.status})"
            )
        with agreement.sealed_pdf.open("rb") as source:
            data = source.read()
        check = check_sealed_pdf(data, get_sealing_key().trust_roots)
        if not check.is_authentic:
            raise CommandError(f"the stored PDF of {agreement.code} does not verify: refusing")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(f"{agreement.code}: {len(data)} bytes written to {out}")

    def _certificate(self) -> None:
        try:
            key = get_sealing_key()
        except SealingKeyError as error:
            raise CommandError(str(error)) from error
        certificate = key.certificate
        self.stdout.write(f"subject:     {certificate.subject.rfc4514_string()}")
        self.stdout.write(f"issuer:      {certificate.issuer.rfc4514_string()}")
        self.stdout.write(f"valid until: {certificate.not_valid_after_utc.isoformat()}")
        self.stdout.write(f"SHA-256:     {key.fingerprint}")
        self.stdout.write(f"trust roots: {len(key.trust_roots)}")
