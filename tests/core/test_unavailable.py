"""The database briefly gone answers a 503 page in the reader's language, never a traceback;
the cache's Redis gone answers as an empty cache."""

import sys

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.utils import translation

from karvan.core.cache import TolerantRedisCache
from karvan.core.unavailable import server_error
from tests.support.processes import free_port


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.urls("tests.core.unavailable_urls")
@pytest.mark.parametrize("path", ["/restarting/", "/closed/"])
def test_a_page_meeting_the_database_gone_answers_503_in_persian(client, path, caplog):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert 'lang="fa" dir="rtl"' in page
    assert "سرویس لحظاتی در دسترس نیست" in page
    assert "Traceback" not in page
    # One warning line for the operator, no error with a traceback.
    assert [record.levelname for record in caplog.records if "unavailable" in record.name] == [
        "WARNING"
    ]
    assert not any(record.exc_info for record in caplog.records)


@pytest.mark.urls("tests.core.unavailable_urls")
def test_the_api_meeting_the_database_gone_answers_json_503_in_chinese(client):
    response = client.get("/api/restarting/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503
    assert response.json() == {
        "code": "service_unavailable",
        "message": "服务暂时不可用，请稍后重试。",
        "fields": {},
    }


@pytest.mark.urls("tests.core.unavailable_urls")
def test_any_other_failure_is_still_a_500(client):
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_a_failure_in_a_middleware_reaches_the_500_handler_as_a_503():
    """Outside a view (a session saved after it), the handler500 tells the two apart."""
    request = RequestFactory().get("/")
    with translation.override("ar"):
        try:
            raise OperationalError("the database system is shutting down")
        except OperationalError:
            assert sys.exc_info()[0] is OperationalError
            response = server_error(request)
    assert response.status_code == 503
    assert "الخدمة غير متاحة مؤقتًا" in response.content.decode()


def test_the_cache_answers_as_an_empty_one_while_redis_is_unreachable(caplog):
    cache = TolerantRedisCache(
        f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )
    assert cache.get("key", "default") == "default"
    cache.set("key", "value")
    assert cache.add("throttle", 0) is True
    assert cache.incr("throttle") == 1
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("key") is False
    assert any("cache unavailable" in record.getMessage() for record in caplog.records)


def test_the_cache_works_normally_with_redis(tmp_path):
    from tests.support.processes import redis_server

    with redis_server(tmp_path) as url:
        cache = TolerantRedisCache(url, {})
        cache.set("key", "value")
        assert cache.get("key") == "value"
        assert cache.add("throttle", 0) is True
        assert cache.add("throttle", 0) is False
        assert cache.incr("throttle") == 1
        assert cache.incr("throttle") == 2
