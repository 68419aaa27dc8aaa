import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_and_directory_render_for_a_visitor(client):
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("directory:list")).status_code == 200
