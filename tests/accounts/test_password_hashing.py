from django.contrib.auth.hashers import check_password, make_password

import karvan.settings as karvan_settings


def test_karvan_hashes_new_passwords_with_argon2(settings):
    settings.PASSWORD_HASHERS = karvan_settings.PASSWORD_HASHERS
    encoded = make_password("correct horse battery staple")
    assert encoded.startswith("argon2$")
    assert check_password("correct horse battery staple", encoded)
    assert not check_password("wrong horse", encoded)
