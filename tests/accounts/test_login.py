"""Login, logout and lock-out as a person meets them: in Indonesian by default, English when chosen."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from ..conftest import PASSWORD, Org


def test_login_page_is_indonesian_and_light(db: Any) -> None:
    html = Client().get(reverse("login")).content.decode()
    assert 'lang="id"' in html and "Masuk ke bangkom" in html and "Kata sandi" in html
    assert 'name="viewport"' in html
    assert "<script" not in html and "http://" not in html and "https://" not in html  # nothing from a CDN


def test_login_returns_to_the_page_asked_for(org: Org) -> None:
    client = Client()
    first = client.get(reverse("employee_list"))
    assert first.status_code == 302 and first.url == f"{reverse('login')}?next=/pegawai/"
    response = client.post(
        reverse("login"), {"username": "kabid", "password": PASSWORD, "next": "/pegawai/"}
    )
    assert response.status_code == 302 and response.url == "/pegawai/"
    assert org.staf1.nip in client.get("/pegawai/").content.decode()


def test_login_refuses_a_foreign_next(org: Org) -> None:
    response = Client().post(
        reverse("login"), {"username": "kabid", "password": PASSWORD, "next": "https://contoh.invalid/"}
    )
    assert response.status_code == 302 and response.url == reverse("home")


def test_logout_is_a_post(org: Org) -> None:
    client = org.client("staf1")
    assert client.get(reverse("logout")).status_code == 405
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}" method="post"' in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("profile")).status_code == 302


def test_lockout_counts_failures_and_explains_in_english_too(org: Org) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
    for attempt in range(1, 5):
        response = client.post(reverse("login"), {"username": "kasubag", "password": f"salah-{attempt}"})
        assert response.status_code == 200, attempt  # still allowed to try
        assert "Wrong username or password" in response.content.decode()
    response = client.post(reverse("login"), {"username": "kasubag", "password": "salah-5"})
    assert response.status_code == 429
    assert "Account temporarily locked" in response.content.decode()
    # Another account from the same place is not locked by kasubag's failures (username and IP together).
    other = Client().post(reverse("login"), {"username": "kabid", "password": PASSWORD})
    assert other.status_code == 302


def test_a_success_resets_the_failure_count(org: Org) -> None:
    client = Client()
    for _ in range(4):
        client.post(reverse("login"), {"username": "staf2", "password": "salah"})
    assert client.post(reverse("login"), {"username": "staf2", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert client.post(reverse("login"), {"username": "staf2", "password": "salah"}).status_code == 200
