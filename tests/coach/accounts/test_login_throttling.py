"""Issue 16, finding 5: password guessing is locked out (django-axes) on the login page and the
admin's, and the token endpoint and sign-up are rate limited (DRF throttles)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-pass-42"


def wrong_logins(client, url, username, times):
    return [
        client.post(url, {"username": username, "password": "not-it"}).status_code
        for _ in range(times)
    ]


def test_the_login_page_locks_a_username_out_after_repeated_wrong_passwords(client, make_user):
    make_user("alice")
    make_user("bob")
    url = reverse("login")
    limit = settings.AXES_FAILURE_LIMIT
    statuses = wrong_logins(client, url, "alice", limit + 3)
    assert statuses[: limit - 1] == [200] * (limit - 1), (
        "wrong passwords are answered with the form at first"
    )
    assert set(statuses[limit:]) == {429}
    # Locked out: even the right password does not log in now.
    response = client.post(url, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert client.get(reverse("dashboard")).status_code == 302
    # Someone else on the same network is not locked out by alice's guesser.
    assert client.post(url, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_the_admin_login_locks_out_too(client, make_user):
    make_user("root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    limit = settings.AXES_FAILURE_LIMIT
    statuses = wrong_logins(client, url, "root", limit + 2)
    assert statuses[-1] == 429
    assert client.post(url, {"username": "root", "password": PASSWORD}).status_code == 429


def test_the_token_endpoint_is_throttled(client, make_user):
    make_user("alice")
    url = reverse("api_token")
    statuses = [
        client.post(url, {"username": f"guess{i}", "password": "not-it"}).status_code
        for i in range(40)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429, statuses
    assert client.post(url, {"username": "alice", "password": PASSWORD}).status_code == 429


def test_the_token_endpoint_locks_a_guessed_username_out(client, make_user):
    make_user("alice")
    url = reverse("api_token")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "alice", "password": "not-it"})
    response = client.post(url, {"username": "alice", "password": PASSWORD})
    assert response.status_code in (403, 429) and "token" not in response.json()


def test_the_token_endpoint_refuses_a_username_too_long_for_any_account(client):
    """Found by the API fuzz test on PostgreSQL: a 300-character username reached django-axes,
    whose failed-login record holds 255 characters, and the database refused it (a 500).
    Now it is a 400 on the username before any login is tried, and nothing is recorded."""
    from axes.models import AccessAttempt

    response = client.post(reverse("api_token"), {"username": "x" * 300, "password": "not-it"})
    assert response.status_code == 400
    assert "username" in response.json()
    assert not AccessAttempt.objects.exists()


def test_sign_up_is_throttled(client):
    statuses = []
    for i in range(30):
        response = client.post(reverse("signup"), {
            "username": f"newbie{i}", "email": f"n{i}@example.com",
            "password1": PASSWORD, "password2": PASSWORD,
        })  # fmt: skip
        statuses.append(response.status_code)
        client.post(reverse("logout"))
    assert statuses[0] == 302
    assert statuses[-1] == 429, statuses
