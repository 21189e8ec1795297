"""A learner's next routine in a style builds on their recorded attempts: phrases danced well
come back, at most one new in four, leaning toward the part they miss most, or toward the focus
part of a lesson; the routine page says which phrases they know."""

from datetime import timedelta

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coach.lessons import services as lessons
from coach.lessons.models import Lesson
from coach.practice.models import Attempt
from coach.routines.learner_history import phrase_history
from coach.routines.models import GenerationJob
from coach.routines.services import GenerationRequestError, request_generation
from coach.routines.tasks import generate_routine_task
from coach.songs.services import create_song
from generation.data.paths import shared_dir
from scoring.skeleton import BODY_PARTS

pytestmark = pytest.mark.django_db

STYLE, LEVEL = "salsa", "intermediate"


def _generate(job: GenerationJob):
    assert generate_routine_task(str(job.id)) == GenerationJob.Status.SUCCEEDED, job.error
    job.refresh_from_db()
    return job.routine


def _record_attempt(learner, routine, good: set, weak_part: str, *, reliable=True, flip=False):
    """A complete attempt as the scorer stores it: beats of the ``good`` phrases about 85, the
    others about 45 (the other way round with ``flip``), ``weak_part`` 30 under the rest, every
    seventh beat not seen."""
    rng = np.random.default_rng(len(good))
    beats = []
    for index, time_s in enumerate(routine.beats):
        segment = next((s for s in routine.segments if s["start_s"] <= time_s < s["end_s"]), None)
        if segment is None:
            continue
        danced_well = (segment["phrase_id"] in good) != flip
        overall = (85.0 if danced_well else 45.0) + rng.normal(0, 3)
        parts = {part: overall + rng.normal(0, 3) for part in BODY_PARTS}
        parts[weak_part] -= 30.0
        seen = index % 7 != 3
        beats.append(
            {
                "index": index,
                "time_s": time_s,
                "timing_offset_ms": 0.0,
                "overall": round(overall, 1) if seen else None,
                "parts": {p: round(v, 1) if seen else None for p, v in parts.items()},
                "seen": seen,
                "fix": weak_part if seen else None,
            }
        )
    return Attempt.objects.create(
        routine=routine,
        learner=learner,
        status=Attempt.Status.COMPLETE,
        beat_results=beats,
        summary={"overall": 60.0, "reliable": reliable},
        finished_at=timezone.now(),
    )


@pytest.fixture
def danced(studio_people):
    """Alice's first salsa routine (a plain one) and her recorded attempts on it: she dances
    its first three phrases well and misses her left arm most; an attempt the camera could not
    judge says the opposite and must not count."""
    alice = studio_people["alice"]
    path = shared_dir() / "music" / "annotated" / "gmd_disco_120.ogg"
    song = create_song(alice, SimpleUploadedFile(path.name, path.read_bytes()), "Disco")
    first = _generate(
        request_generation(song, alice, style=STYLE, level=LEVEL, seed=0, personalise=True)
    )
    assert first.phrases == {}  # no history yet: an ordinary routine
    distinct = list(dict.fromkeys(s["phrase_id"] for s in first.segments))
    good = set(distinct[:3])
    assert len(distinct) > len(good)
    _record_attempt(alice, first, good, "left_arm")
    _record_attempt(alice, first, good, "left_arm")
    _record_attempt(alice, first, good, "right_leg", reliable=False, flip=True)
    return {**studio_people, "song": song, "first": first, "good": good}


def test_next_routine_reuses_phrases_danced_well_and_leans_to_weakest_part(danced, client):
    alice, first, good = danced["alice"], danced["first"], danced["good"]
    history = phrase_history(alice, STYLE)
    assert len(history) == 2  # the unreliable attempt is left out
    assert all(beat["overall"] is not None for attempt in history for beat in attempt["beats"])
    assert phrase_history(alice, "waltz") == []

    job = request_generation(
        danced["song"], alice, style=STYLE, level=LEVEL, seed=1, personalise=True
    )
    routine = _generate(job)
    phrases = routine.phrases
    assert (
        len(phrases["known"]) >= 2 and set(phrases["known"]) <= good
    )  # not one phrase over and over
    distinct = len(phrases["known"]) + len(phrases["new"])
    assert len(phrases["new"]) <= max(1, distinct // 4)
    assert phrases["lean_part"] == "left_arm"
    assert {s["phrase_id"] for s in routine.segments if s["known"]} == set(phrases["known"])
    n_known = len(phrases["known"])
    assert phrases["text"] == (
        f"{n_known} phrase{'' if n_known == 1 else 's'} you know, {len(phrases['new'])} new"
    )

    client.force_login(alice)
    page = client.get(reverse("routine", args=[routine.id])).content.decode()
    assert phrases["text"] in page
    assert "Leans toward the left arm" in page
    known_segment = next(s for s in routine.segments if s["phrase_id"] == phrases["known"][0])
    assert known_segment["label"] in page
    plain = client.get(reverse("routine", args=[first.id])).content.decode()
    assert "you know" not in plain and 'id="personal-phrases"' not in plain


def test_a_lessons_focus_part_wins_over_the_weakest_part(danced, client):
    alice, first = danced["alice"], danced["first"]
    lesson = lessons.assign_lesson(
        danced["studio"],
        danced["instructor"],
        first,
        students=[alice],
        title="Right leg week",
        due_at=timezone.now() + timedelta(days=3),
        target_score=70.0,
        focus_part="right_leg",
    )
    client.force_login(alice)
    assert (
        "focus <strong>right leg</strong>"
        in client.get(reverse("lesson", args=[lesson.id])).content.decode()
    )
    response = client.post(reverse("lesson_routine", args=[lesson.id]))
    job = GenerationJob.objects.get(requested_by=alice, focus_part="right_leg")
    assert response.url == reverse("job", args=[job.id])
    routine = _generate(job)
    assert routine.phrases["lean_part"] == "right_leg"
    assert routine.phrases["known"] and set(routine.phrases["known"]) <= danced["good"]


def test_instructor_pins_a_focus_part_in_the_lesson_form(studio_people, client):
    instructor, alice = studio_people["instructor"], studio_people["alice"]
    studio = studio_people["studio"]
    song = create_song(
        instructor,
        SimpleUploadedFile(
            "disco.ogg", (shared_dir() / "music" / "annotated" / "gmd_disco_120.ogg").read_bytes()
        ),
        "Disco",
    )
    client.force_login(instructor)
    form = {
        "title": "Arms",
        "song": song.id,
        "style": STYLE,
        "level": LEVEL,
        "students": [alice.id],
        "due_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "target_score": 70,
        "focus_part": "left_arm",
    }
    client.post(reverse("lesson_new", args=[studio.id]), form)
    job = GenerationJob.objects.get(requested_by=instructor)
    assert (job.focus_part, job.personalise) == ("left_arm", False)
    routine = _generate(job)
    assert routine.phrases == {"lean_part": "left_arm"}  # no history: nothing said of phrases
    client.post(reverse("lesson_new", args=[studio.id]), {**form, "job": job.id})
    assert Lesson.objects.get(title="Arms").focus_part == "left_arm"


def test_personalising_needs_the_phrase_family_and_a_known_part(make_user, client):
    alice = make_user("alice")
    song = create_song(
        alice,
        SimpleUploadedFile(
            "disco.ogg", (shared_dir() / "music" / "annotated" / "gmd_disco_120.ogg").read_bytes()
        ),
        "Disco",
    )
    with pytest.raises(GenerationRequestError, match="Unknown body part 'tail'"):
        request_generation(song, alice, style=STYLE, level=LEVEL, focus_part="tail")
    with pytest.raises(GenerationRequestError, match="Only the phrases model"):
        request_generation(
            song, alice, style=STYLE, level=LEVEL, architecture="gru", personalise=True
        )
    assert not GenerationJob.objects.exists()
    client.force_login(alice)
    url = reverse("api-job-list")
    refused = client.post(
        url, {"song": song.id, "style": STYLE, "level": LEVEL, "focus_part": "tail"}
    )
    assert refused.status_code == 400 and not GenerationJob.objects.exists()
    made = client.post(
        url,
        {
            "song": song.id,
            "style": STYLE,
            "level": LEVEL,
            "personalise": True,
            "focus_part": "left_leg",
        },
    )
    assert made.status_code == 202, made.content
    assert (made.json()["personalise"], made.json()["focus_part"]) == (True, "left_leg")
