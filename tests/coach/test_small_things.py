"""Small fixes of the learner's and instructor's screens (issue 18, item 7): forms, the student's
studio page, job status words, the song's duration, the site's own 404 page, the favicon."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from coach.routines.services import job_state
from coach.studios.services import create_studio, invite
from tests.coach.factories import make_job, make_routine, make_song

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_lesson_form_shows_no_job_label_and_a_clear_due_field(client, studio_people):
    html = page(
        client,
        studio_people["instructor"],
        reverse("lesson_new", args=[studio_people["studio"].id]),
    )
    assert ">Job<" not in html
    assert 'type="hidden" name="job"' in html
    assert ">Due by<" in html and 'type="datetime-local"' in html
    assert "UTC time" in html  # which clock the date is on


def test_a_coach_with_one_studio_finds_it_preselected(client, studio_people):
    html = page(client, studio_people["instructor"], reverse("class_new"))
    studio = studio_people["studio"]
    assert f'<option value="{studio.id}" selected>' in html
    assert '<option value="" selected>' not in html.split('name="studio"')[1].split("</select>")[0]
    # With two studios there is a choice to make.
    create_studio(studio_people["instructor"], "Second Studio")
    html = page(client, studio_people["instructor"], reverse("class_new"))
    assert '<option value="" selected>' in html.split('name="studio"')[1].split("</select>")[0]


def test_the_class_routine_list_tells_identical_routines_apart(client, studio_people):
    instructor, alice = studio_people["instructor"], studio_people["alice"]
    song = make_song(instructor, title="Demo groove")
    mine = [make_routine(instructor, song=song), make_routine(instructor, song=song)]
    mine[0].created_at -= timedelta(days=1)  # made again the next day, same style, level and seed
    mine[0].save(update_fields=["created_at"])
    theirs = make_routine(alice, song=make_song(alice, title="Demo groove"))
    html = page(client, instructor, reverse("class_new"))
    options = html.split('name="routine"')[1].split("</select>")[0]
    labels = [options.split(f'value="{r.id}">')[1].split("</option>")[0] for r in [*mine, theirs]]
    assert len(set(labels)) == 3, labels
    assert all(label.startswith("Waltz (beginner) for Demo groove · mine") for label in labels[:2])
    assert "by alice" in labels[2]


def test_invitation_links_have_a_copy_button(client, studio_people):
    invite(studio_people["studio"], studio_people["owner"])
    html = page(
        client, studio_people["owner"], reverse("studio", args=[studio_people["studio"].id])
    )
    assert 'data-copy="invitation-1"' in html and 'id="invitation-1"' in html
    assert "js/copy-link.js" in html


def test_a_student_sees_their_own_studio_but_not_its_members_or_links(client, studio_people):
    studio = studio_people["studio"]
    invite(studio, studio_people["owner"])
    html = page(client, studio_people["alice"], reverse("studio", args=[studio.id]))
    assert "you are a student here" in html
    assert "olive" in html and "ines" in html  # the teachers
    assert "bob" not in html  # another student
    assert "/invitations/" not in html
    client.force_login(studio_people["outsider"])
    assert client.get(reverse("studio", args=[studio.id])).status_code == 404


def test_job_status_comes_in_words(client, studio_people):
    job = make_job(studio_people["alice"])
    assert job_state(job)["status_label"] == "Queued"
    client.force_login(studio_people["alice"])
    assert client.get(reverse("api-job-detail", args=[job.id])).json()["status_label"] == "Queued"


def test_the_song_page_states_the_duration_as_the_player_does(client, studio_people):
    song = make_song(studio_people["alice"], duration_s=200.96)
    html = page(client, studio_people["alice"], reverse("song", args=[song.id]))
    assert '<span id="song-duration">3:20</span>' in html
    assert "js/song.js" in html


@override_settings(DEBUG=True)
@pytest.mark.parametrize("path", ["/no-such-page/", "/songs/00000000-0000-0000-0000-000000000000/"])
def test_not_found_is_the_sites_own_page_even_with_debug(client, studio_people, path):
    client.force_login(studio_people["alice"])
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="not-found"' in html and "Page not found" in html
    assert "URLconf" not in html and "urlpatterns" not in html


def test_append_slash_still_redirects(client):
    assert client.get("/accounts/login").status_code == 301


def test_pages_have_a_small_svg_favicon(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    icon = Path(settings.BASE_DIR) / "static" / "favicon.svg"
    assert icon.stat().st_size < 2048 and icon.read_text().startswith("<svg")
