"""The client's address behind trusted reverse proxies, and only behind them."""

import pytest
from django.test import RequestFactory

from karvan.core.net import client_address


def _request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.KARVAN_TRUSTED_PROXIES = []
    assert client_address(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.KARVAN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(_request("198.51.100.9", "10.0.0.5, 203.0.113.7")) == "198.51.100.9"


def test_a_trusted_proxy_gives_the_client_it_saw(settings):
    settings.KARVAN_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(_request("10.0.0.2", "203.0.113.7")) == "203.0.113.7"


def test_the_chain_is_walked_from_the_right_past_trusted_hops_only(settings):
    settings.KARVAN_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    # The client wrote 192.0.2.1 itself; the outer proxy 10.1.1.1 saw 203.0.113.7.
    request = _request("10.0.0.2", "192.0.2.1, 203.0.113.7, 2001:db8::5, 10.1.1.1")
    assert client_address(request) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("", "10.0.0.2"),
        ("not-an-address", "10.0.0.2"),
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8:1::7]:443", "2001:db8:1::7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
    ],
)
def test_odd_headers_from_a_trusted_proxy(settings, forwarded, expected):
    settings.KARVAN_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(_request("10.0.0.2", forwarded)) == expected
