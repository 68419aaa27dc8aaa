"""Server errors the form fuzzing found outside issue 10's list, each fixed with this test."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from karvan.events.models import Registration


def test_a_session_id_too_large_for_the_database_is_refused_not_a_server_error(people):
    url = reverse("events:register", kwargs={"pk": people["event"].pk})
    data = {
        "organisation": people["acme"].pk,
        "person": people["owner"].pk,
        "sessions": "9223372036854775808",
    }
    response = people["client"].post(url, data)
    assert response.status_code == 200
    assert "sessions" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_a_csv_with_a_stray_carriage_return_is_refused_not_a_server_error(people):
    url = reverse("events:delegation_import", kwargs={"pk": people["delegation"].pk})
    content = (
        b'organisation,registry_id,country,full_name,email\n"a\rb",1,IR,Ali,ali@x.example\r\nx'
    )
    upload = SimpleUploadedFile("people.csv", b"full_name,email\na\rb,c\n" + content, "text/csv")
    response = people["client"].post(url, {"file": upload})
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_an_api_id_too_large_for_the_database_answers_422_not_a_server_error(people):
    from karvan.accounts.services import create_api_token

    _row, token = create_api_token(user=people["owner"], name="fuzz")
    url = f"/api/events/{people['event'].pk}/registrations"
    for body in (
        {"organisation_id": 2**63, "person_id": people["owner"].pk},
        {"organisation_id": people["acme"].pk, "person_id": 2**63},
        {
            "organisation_id": people["acme"].pk,
            "person_id": people["owner"].pk,
            "session_ids": [2**63],
        },
    ):
        response = people["client"].post(
            url, body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 422, body
    assert not Registration.objects.exists()
