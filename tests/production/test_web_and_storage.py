"""gunicorn serving Karvan, and files in an S3-compatible server (moto's server mode)."""

import datetime
import http.client
import io
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from karvan.core.management.commands.serve import gunicorn_arguments
from tests.support.processes import (
    KARVAN,
    free_port,
    karvan_env,
    moto_server,
    stop,
    wait_for_port,
)

STORE = """
import io, json
import boto3
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from karvan.agreements.models import Agreement
from karvan.core.middleware import content_security_policy
from karvan.core.files import serve_private_file
from karvan.core.storages import signed_url
from karvan.directory.models import Membership
from karvan.directory.services.profiles import set_organisation_logo
from tests.factories import MembershipFactory, OrganisationFactory

options = settings.STORAGES["private"]["OPTIONS"]
boto3.client(
    "s3", endpoint_url=options["endpoint_url"], region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
).create_bucket(Bucket=options["bucket_name"])

owner = MembershipFactory(
    organisation=OrganisationFactory(country="IR"), role=Membership.Role.OWNER
)
organisation = set_organisation_logo(
    organisation=owner.organisation, actor=owner.user,
    upload=SimpleUploadedFile("logo.png", bytes.fromhex("{logo}"), content_type="image/png"),
)
name = storages["private"].save("quotations/offer.pdf", ContentFile(b"%PDF-1.7 private offer"))
private = Agreement._meta.get_field("sealed_pdf").storage  # the storage of private files
field_file = Agreement(code="KV-TEST-0001").sealed_pdf
field_file.name = name
print(json.dumps({{
    "logo": organisation.logo.url,
    "logo_name": organisation.logo.name,
    "private_plain": storages["private"].url(name).split("?")[0],
    "private_signed": signed_url(field_file, download_name="پیشنهاد.pdf"),
    "private_short": signed_url(field_file, seconds=1),
    "served": serve_private_file(field_file, filename="offer.pdf")["Location"],
    "csp": content_security_policy(),
}}))
"""


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  # loopback only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([*KARVAN, *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_files_go_to_object_storage_logos_public_private_files_only_by_signed_url(tmp_path):
    with moto_server() as endpoint:
        env = karvan_env(
            tmp_path,
            KARVAN_S3_BUCKET="karvan-files",
            KARVAN_S3_ENDPOINT_URL=endpoint,
            KARVAN_S3_REGION="us-east-1",
            KARVAN_S3_ACCESS_KEY_ID="test",
            KARVAN_S3_SECRET_ACCESS_KEY="test",  # moto's
        )
        _run(env, "migrate", "--noinput", "-v", "0")
        before = datetime.datetime.now(datetime.UTC)
        urls = json.loads(_run(env, "shell", "--no-imports", "-c", STORE.format(logo=_png().hex())))

        # The logo is in the bucket, under public/, readable by anyone without a signature.
        assert urls["logo"].startswith(f"{endpoint}/karvan-files/public/logos/")
        assert "Signature" not in urls["logo"]
        status, body, _headers = _get(urls["logo"])
        assert status == 200
        assert Image.open(io.BytesIO(body)).size == (40, 20)
        assert f"img-src 'self' data: {endpoint}" in urls["csp"]

        # The private file is not readable at its plain address, only through a signed URL.
        assert urls["private_plain"].startswith(f"{endpoint}/karvan-files/private/quotations/")
        assert _get(urls["private_plain"])[0] == 403
        status, body, _headers = _get(urls["private_signed"])
        assert (status, body) == (200, b"%PDF-1.7 private offer")
        query = parse_qs(urlsplit(urls["private_signed"]).query)
        # The name the browser saves, in the signed request (S3 answers it as Content-Disposition).
        assert query["response-content-disposition"] == [
            'attachment; filename="???????.pdf"; '
            "filename*=UTF-8''%D9%BE%DB%8C%D8%B4%D9%86%D9%87%D8%A7%D8%AF.pdf"
        ]
        # Short-lived: signed now, for KARVAN_PRIVATE_URL_SECONDS (300) or as asked.
        assert query["X-Amz-Expires"] == ["300"]
        signed_at = datetime.datetime.strptime(query["X-Amz-Date"][0] + "+0000", "%Y%m%dT%H%M%SZ%z")
        assert abs((signed_at - before).total_seconds()) < 120
        assert parse_qs(urlsplit(urls["private_short"]).query)["X-Amz-Expires"] == ["1"]
        # The views' one way of handing over a private file redirects to a signed URL.
        assert "X-Amz-Signature=" in urls["served"]
        assert _get(urls["served"])[1] == b"%PDF-1.7 private offer"
        # A signature altered (or a URL made for another file) is refused.
        tampered = urls["private_signed"].replace("offer.pdf", "offer2.pdf")
        assert _get(tampered)[0] in {403, 404}


def test_signed_url_is_none_for_local_files(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from karvan.agreements.models import Agreement
    from karvan.core.storages import signed_url

    field_file = Agreement(code="KV-TEST-0002").sealed_pdf
    field_file.name = default_storage.save("agreements/a.pdf", ContentFile(b"%PDF"))
    assert signed_url(field_file) is None


def test_karvan_serve_runs_gunicorn_with_threaded_recycled_workers():
    arguments = gunicorn_arguments(
        bind="127.0.0.1:8000", workers=2, threads=4, timeout=60, trusted_proxies="127.0.0.1"
    )
    assert arguments[0] == "karvan.wsgi:application"
    assert {"--workers=2", "--worker-class=gthread", "--threads=4", "--timeout=60"} <= set(
        arguments
    )
    assert "--max-requests=10000" in arguments
    assert "--keep-alive=0" in arguments  # a connection per request: see gunicorn_arguments


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 2), (4, 4), (16, 8)])
def test_karvan_serve_starts_a_worker_per_core(monkeypatch, cores, workers):
    """Pages spend their time in Python, one core per process: at a million listings on two
    cores, four workers gave p95s about twice those of two."""
    from karvan.core.management.commands.serve import Command

    monkeypatch.delenv("KARVAN_WEB_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    options = Command().create_parser("karvan", "serve").parse_args([])
    assert options.workers == workers


def test_gunicorn_serves_pages_and_static_files_and_replaces_a_killed_worker(tmp_path):
    port = free_port()
    env = karvan_env(
        tmp_path,
        KARVAN_ENV="production",
        KARVAN_ALLOWED_HOSTS="127.0.0.1",
        KARVAN_SSL_REDIRECT="0",
        KARVAN_SIGNING_PKCS12_PASSWORD="production-test-passphrase",
    )
    _run(env, "migrate", "--noinput", "-v", "0")
    _run(env, "collectstatic", "--noinput", "-v", "0")
    server = subprocess.Popen(
        [*KARVAN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    https = {"X-Forwarded-Proto": "https"}
    try:
        wait_for_port(port, timeout=60)
        status, body, headers = _get(f"{base}/", https)
        assert status == 200, body[:2000]
        assert b"<html" in body
        assert "Content-Security-Policy" in headers
        stylesheet = next(
            part.split('"')[0] for part in body.decode().split('href="')[1:] if ".css" in part
        )
        status, css, headers = _get(f"{base}{stylesheet}", https)
        assert status == 200 and css
        assert "max-age" in headers.get("Cache-Control", "")  # whitenoise's hashed files

        # One request per connection, even asked to keep it (HTTP/1.1): a kept connection
        # stays with one worker, which then took nearly all the load while the other idled.
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        kept.request("GET", "/", headers=https)
        answer = kept.getresponse()
        answer.read()
        assert answer.status == 200 and answer.will_close
        kept.close()

        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 2
        subprocess.run(["kill", "-KILL", workers[0]], check=True)
        statuses = []
        for _ in range(20):
            statuses.append(_get(f"{base}/", https)[0])
            time.sleep(0.1)
        assert statuses.count(200) == len(statuses)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
            if len(now) == 2 and workers[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2 and workers[0] not in now  # the master started a new one
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            stop(server)
            output = b""
    assert b"Traceback" not in output, output.decode(errors="replace")[-3000:]


def test_a_web_worker_is_warmed_before_it_takes_requests():
    """A worker's first pages took 2–4 s (URL patterns, each template compiled on first use,
    messages, the matching model); gunicorn recycles workers (every thousand requests at the
    time), so this recurred every few minutes under steady traffic."""
    from django.template import engines

    from karvan.gunicorn_config import post_worker_init
    from karvan.matching.engine.postings import _REFERENCE_MEANS
    from karvan.matching.index_cache import get_embedder
    from karvan.warmup import karvan_template_names

    assert "--config=python:karvan.gunicorn_config" in gunicorn_arguments(
        bind="127.0.0.1:8000", workers=2, threads=4, timeout=60, trusted_proxies="127.0.0.1"
    )
    names = karvan_template_names()
    assert {"base.html", "opportunities/search.html"} <= set(names)
    assert not any(name.startswith("admin/") for name in names)  # Django's own are not read
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()

    post_worker_init(object())

    assert set(names) <= set(loader.get_template_cache)
    assert id(get_embedder()) in _REFERENCE_MEANS  # the language means: the model has run
