"""A database made by the code before the feature apps (one `coach` app, migrations 0001-0006)
migrates to the feature apps and keeps every row, readable through the new models.

The fixture `tests/fixtures/db_before_feature_apps.sqlite3` was made by that code: `migrate`,
then a row or two in every table through its models (two people, one of them in a group with a
permission and with a permission of their own, an API token, a studio with both as members, an
invitation, a song, a routine, its generation job, an attempt with a pose batch, a lesson with
the student's assignment completed by that attempt, a comment, an ended class with a seat, a
video export and an admin log entry about the routine).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "db_before_feature_apps.sqlite3"

READ_BACK = """
import json
import django
django.setup()
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from rest_framework.authtoken.models import Token

from coach.classes.models import ClassParticipant, ClassSession
from coach.lessons.models import Lesson, LessonAssignment
from coach.practice.models import Attempt, PoseBatch
from coach.review.models import AttemptComment
from coach.routines.models import GenerationJob, Routine
from coach.songs.models import Song
from coach.studios.models import Invitation, Membership, Studio
from coach.videos.models import VideoExport

User = get_user_model()
models = (User, Studio, Membership, Invitation, Song, Routine, GenerationJob, Attempt, PoseBatch, Lesson,
          LessonAssignment, AttemptComment, ClassSession, ClassParticipant, VideoExport)
assignment = LessonAssignment.objects.select_related(
    "lesson__routine__song__owner", "completed_by_attempt__studio", "marked_done_by").get()
seat = ClassParticipant.objects.select_related("class_session__studio", "attempt__routine").get()
owner = User.objects.get(username="olga")
entry = LogEntry.objects.get()
print(json.dumps({
    "counts": {m._meta.label: m.objects.count() for m in models},
    "tables": sorted(m._meta.db_table for m in models),
    "assignment": [assignment.status, assignment.lesson.title, assignment.lesson.focus_part,
                   assignment.lesson.routine.song.owner.username, assignment.completed_by_attempt.studio.name,
                   assignment.marked_done_by.username],
    "seat": [seat.class_session.studio.name, seat.class_session.join_code, str(seat.attempt.routine)],
    "routine": [Routine.objects.get().phrases, GenerationJob.objects.get().focus_part],
    "batch": [bytes(PoseBatch.objects.get().frames).hex(), PoseBatch.objects.get().attempt.learner.username],
    "comment": AttemptComment.objects.get().text,
    "export": VideoExport.objects.get().video.name,
    "token": Token.objects.get().user.username,
    "memberships": sorted(Membership.objects.values_list("role", flat=True)),
    "permissions": [owner.has_perm("routines.view_routine"), owner.has_perm("lessons.change_lesson")],
    "log_entry": [entry.content_type.app_label, str(entry.get_edited_object())],
    "coach_content_types": sorted(ContentType.objects.filter(app_label="coach").values_list("model", flat=True)),
    "content_types": ContentType.objects.count(),
    "distinct_content_types": len(set(ContentType.objects.values_list("app_label", "model"))),
}))
"""


def run(args, database: Path, *, check=True):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "coach.config.settings",
    }
    env.pop("DATABASE_TEST_NAME", None)
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_a_database_made_before_the_feature_apps_migrates_and_keeps_its_rows(tmp_path):
    database = tmp_path / "before.sqlite3"
    shutil.copy(FIXTURE, database)

    migrated = run(["manage.py", "migrate", "--no-input"], database)
    for step in (
        "coach.0007_feature_apps",
        "studios.0001_initial",
        "practice.0001_initial",
        "videos.0001_initial",
    ):
        assert f"Applying {step}... OK" in migrated.stdout
    assert "coach.0001_initial" not in migrated.stdout  # the old history stays applied

    state = json.loads(run(["-c", READ_BACK], database).stdout.strip().splitlines()[-1])
    assert state["counts"] == {
        "coach.User": 2,
        "studios.Studio": 1,
        "studios.Membership": 2,
        "studios.Invitation": 1,
        "songs.Song": 1,
        "routines.Routine": 1,
        "routines.GenerationJob": 1,
        "practice.Attempt": 1,
        "practice.PoseBatch": 1,
        "lessons.Lesson": 1,
        "lessons.LessonAssignment": 1,
        "review.AttemptComment": 1,
        "classes.ClassSession": 1,
        "classes.ClassParticipant": 1,
        "videos.VideoExport": 1,
    }
    assert all(table.startswith("coach_") for table in state["tables"])
    assert state["assignment"] == ["done", "Week 1", "torso", "sam", "Studio One", "olga"]
    assert state["seat"] == ["Studio One", "ABC123", "Pop (beginner) for Tune"]
    assert state["routine"] == [{"known": [1], "new": [2], "text": "t"}, "left_arm"]
    assert state["batch"] == [b"\x93NUMPY-fr".hex(), "sam"]
    assert state["comment"] == "Nice arms"
    assert state["export"] == "videos/x/routine.mp4"
    assert state["token"] == "sam"
    assert state["memberships"] == ["owner", "student"]
    # The content types moved with their models: the same rows, so the permissions granted to a
    # group and to a person, and the admin's log, still name the same models.
    assert state["permissions"] == [True, True]
    assert state["log_entry"] == ["routines", "Pop (beginner) for Tune"]
    assert state["coach_content_types"] == ["user"]
    assert state["content_types"] == state["distinct_content_types"]

    check = run(["manage.py", "makemigrations", "--check", "--dry-run"], database, check=False)
    assert check.returncode == 0 and "No changes detected" in check.stdout, (
        check.stdout + check.stderr[-2000:]
    )
    # Once migrated, `migrate` has nothing left to do.
    assert "No migrations to apply." in run(["manage.py", "migrate", "--no-input"], database).stdout
