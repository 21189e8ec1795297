"""The JSON API fuzzed against its own OpenAPI schema (`/api/schema/`) with schemathesis: every
operation, valid and invalid inputs, a bounded number of examples each. No answer may be a server
error, and every status code, content type and body must be one the schema documents (errors
included: `coach/common/api_schema.py`).

The requests carry the token of a studio owner who has a song, a routine, a job, an attempt and
a lesson with fixed ids, and generated ids are drawn from those as well as at random, so the
operations on one object are exercised on objects that exist as well as on ones that do not.
"""

import uuid
from datetime import timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coach.lessons.models import Lesson, LessonAssignment
from coach.practice.models import Attempt
from coach.routines.models import GenerationJob, Routine
from coach.songs.models import Song
from coach.studios.models import Membership
from coach.studios.services import create_studio
from tests.coach.factories import make_routine

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 50
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
KNOWN = {
    name: uuid.UUID(f"00000000-0000-4000-8000-{i:012d}")
    for i, name in enumerate(("song", "routine", "job", "attempt", "lesson"), start=1)
}
# Ids in paths and bodies: mostly the existing objects above, sometimes any id at all.
schemathesis.openapi.format(
    "uuid", st.sampled_from([str(v) for v in KNOWN.values()]) | st.uuids().map(str)
)


# Loaded at collection from the application itself (no server, no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES_PER_OPERATION
)


@pytest.fixture
def owner(make_user):
    """A studio owner with one object of every kind, with the KNOWN ids."""
    owner = make_user("fuzz-owner")
    studio = create_studio(owner, "Fuzz studio")
    student = make_user("fuzz-student")
    Membership.objects.create(user=student, studio=studio, role=Membership.Role.STUDENT)
    song = Song.objects.create(
        id=KNOWN["song"], owner=owner, title="Fuzz", audio="songs/none.wav", duration_s=30.0
    )
    routine = make_routine(owner, song=song)
    Routine.objects.filter(pk=routine.pk).update(id=KNOWN["routine"])
    routine = Routine.objects.get(pk=KNOWN["routine"])
    GenerationJob.objects.create(
        id=KNOWN["job"], song=song, requested_by=owner, style="waltz", level="beginner"
    )
    Attempt.objects.create(id=KNOWN["attempt"], routine=routine, learner=owner)
    lesson = Lesson.objects.create(
        id=KNOWN["lesson"], studio=studio, routine=routine, instructor=owner, title="Fuzz lesson",
        due_at=timezone.now() + timedelta(days=1), target_score=60.0,
    )  # fmt: skip
    LessonAssignment.objects.create(lesson=lesson, student=student)
    return owner


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """schemathesis calls the WSGI application directly, so each request's start and end
    signals would close the database connection (at once with DB_CONN_MAX_AGE=0, as CI's
    PostgreSQL pass runs) in the middle of the test's transaction; Django's own test client
    keeps it open the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,  # the same cases on every CI run
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_every_request_as_its_schema_says(case, owner):
    cache.clear()  # each case starts under the rate limits
    token = Token.objects.get_or_create(user=owner)[0]  # again: DELETE /api/token/ logs it out
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)
