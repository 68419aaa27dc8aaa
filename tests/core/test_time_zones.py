"""The zone picker: by country, in the reader's language, with the offset; every zone accepted."""

import zoneinfo

from django.utils import translation

from karvan.core.time_zones import is_known_zone, time_zone_choices, zone_label


def _groups(language: str) -> dict[str, dict[str, str]]:
    with translation.override(language):
        return {group: dict(zones) for group, zones in time_zone_choices()}


def test_the_corridor_countries_come_first_with_their_cities_in_the_readers_language():
    persian = _groups("fa")
    assert list(persian)[:2] == ["ایران", "چین"]
    assert persian["ایران"]["Asia/Tehran"].startswith("تهران (UTC+03:30")
    chinese = _groups("zh-hans")
    assert chinese["中国"]["Asia/Shanghai"].startswith("上海 (UTC+08:00")
    assert "Asia/Tehran" in chinese["伊朗"]


def test_every_zone_a_person_may_hold_is_in_exactly_one_group():
    listed = [zone for zones in _groups("en").values() for zone in zones]
    assert len(listed) == len(set(listed))
    expected = {z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"}
    assert set(listed) == expected
    assert is_known_zone("Asia/Tehran") and not is_known_zone("Mars/Olympus")


def test_the_label_says_city_and_offset():
    assert zone_label("Asia/Shanghai", "en") == "Shanghai (UTC+08:00)"
    assert zone_label("UTC", "en").endswith("(UTC+00:00)")
