"""Create the demo studio: an owner-instructor, two students and a synthesised demo song each."""

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from coach.accounts.models import User
from coach.routines.services import request_generation
from coach.songs.services import create_song
from coach.studios.models import Membership, Studio
from generation import demo_song

DEMO_PASSWORD = "dance-demo-2026"
DEMO_STUDIO = "Demo Dance Studio"
INSTRUCTOR = "coach"
STUDENTS = ("ana", "ben")


class Command(BaseCommand):
    help = "Create demo people, a studio and a demo song (synthesised here, nothing downloaded)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-routine", action="store_true", help="Do not queue a demo routine."
        )

    def handle(self, *args, no_routine=False, **options):
        with transaction.atomic():
            studio, _ = Studio.objects.get_or_create(name=DEMO_STUDIO)
            people = {}
            for username, role in [
                (INSTRUCTOR, Membership.Role.OWNER),
                *((s, Membership.Role.STUDENT) for s in STUDENTS),
            ]:
                user, created = User.objects.get_or_create(
                    username=username, defaults={"email": f"{username}@example.com"}
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                Membership.objects.get_or_create(user=user, studio=studio, defaults={"role": role})
                people[username] = user
        song_audio = demo_song.synthesise(duration_s=64.0, bpm=112.0, seed=0)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo-groove.wav"
            demo_song.write_wav(song_audio, path)
            for username in STUDENTS:
                student = people[username]
                song = student.songs.filter(title="Demo groove").first()
                if song is None:
                    upload = SimpleUploadedFile(
                        path.name, path.read_bytes(), content_type="audio/wav"
                    )
                    song = create_song(student, upload, "Demo groove")
                if not no_routine and not song.jobs.exists():
                    request_generation(song, student, style="pop", level="beginner", seed=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: log in as {INSTRUCTOR} (studio owner) or {', '.join(STUDENTS)} (students), "
                f"password {DEMO_PASSWORD}"
            )
        )
