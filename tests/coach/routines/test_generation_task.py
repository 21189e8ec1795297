"""The generation task honours the job's model family and fails readably without one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import generation.families
from coach.routines.models import GenerationJob
from coach.routines.tasks import generate_routine_task
from coach.songs.services import create_song

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_for(make_user, wav_file):
    owner = make_user("alice")
    path = wav_file(8.0)
    song = create_song(owner, SimpleUploadedFile(path.name, path.read_bytes()), "Clicks")

    def make(architecture: str) -> GenerationJob:
        return GenerationJob.objects.create(
            song=song, requested_by=owner, style="pop", level="beginner", architecture=architecture
        )

    return make


@pytest.mark.slow
def test_job_generates_with_its_family(job_for):
    job = job_for("cnn")
    assert generate_routine_task(str(job.id)) == GenerationJob.Status.SUCCEEDED
    job.refresh_from_db()
    assert job.routine.model_version.startswith("cnn@")


def test_unknown_family_fails_with_a_message(job_for):
    job = job_for("wavenet")
    assert generate_routine_task(str(job.id)) == GenerationJob.Status.FAILED
    job.refresh_from_db()
    assert "Unknown model family 'wavenet'" in job.error


def test_family_without_a_checkpoint_fails_without_paths(job_for, monkeypatch, tmp_path):
    monkeypatch.setattr(generation.families, "CHECKPOINT_DIR", tmp_path)
    job = job_for("lstm")
    assert generate_routine_task(str(job.id)) == GenerationJob.Status.FAILED
    job.refresh_from_db()
    assert job.error == "The lstm model is not installed on this server."
