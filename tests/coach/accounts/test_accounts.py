"""Sign up, log in and out, password reset, studio invitations."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from coach.studios.models import Membership
from coach.studios.services import invite

pytestmark = pytest.mark.django_db


def test_sign_up_logs_the_new_person_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": "a-Strong-pass-42",
            "password2": "a-Strong-pass-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"].username == "newbie"


def test_sign_up_refuses_a_weak_password(client):
    response = client.post(
        reverse("signup"),
        {"username": "weak", "email": "w@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200 and "too short" in response.content.decode()


def test_log_in_and_out(client, make_user):
    make_user("alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "a-Strong-pass-42"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_reset_sends_a_working_link(client, make_user):
    make_user("alice", email="alice@example.com")
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/reset/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Another-pass-77", "new_password2": "Another-pass-77"},
    )
    assert response.status_code == 302
    # Through the login page: django-axes needs the request that client.login() does not pass.
    assert (
        client.post(
            reverse("login"), {"username": "alice", "password": "Another-pass-77"}
        ).status_code
        == 302
    )


def test_an_invitation_link_makes_a_student(client, studio_people, make_user):
    invitation = invite(studio_people["studio"], studio_people["instructor"])
    newcomer = make_user("nina")
    client.force_login(newcomer)
    client.post(reverse("invitation", args=[invitation.id]))
    membership = Membership.objects.get(user=newcomer, studio=studio_people["studio"])
    assert membership.role == Membership.Role.STUDENT


def test_an_instructor_creates_invitation_links_but_a_student_cannot(client, studio_people):
    url = reverse("studio_invite", args=[studio_people["studio"].id])
    client.force_login(studio_people["alice"])
    assert client.post(url).status_code == 404
    client.force_login(studio_people["instructor"])
    assert client.post(url).status_code == 302
    assert studio_people["studio"].invitations.count() == 1


def test_a_person_can_belong_to_several_studios(studio_people, make_user):
    from coach.studios.services import create_studio

    other = create_studio(make_user("olga"), "Second Studio")
    Membership.objects.create(
        user=studio_people["alice"], studio=other, role=Membership.Role.INSTRUCTOR
    )
    assert studio_people["alice"].memberships.count() == 2
