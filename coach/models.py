"""People, studios, songs, routines, generation jobs and practice attempts.

Every model's primary key is a UUID: it is the public identifier in URLs and the API.
Pose arrays are stored as one `.npy` file per routine or attempt, never a row per joint.
"""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from generation.styles import LEVEL_CHOICES, STYLE_CHOICES
from scoring.skeleton import BODY_PARTS

# The body parts feedback names, as a choice: a lesson's focus, a personalised routine's lean.
BODY_PART_CHOICES = [(part, part.replace("_", " ")) for part in BODY_PARTS]


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", blank=True)


class Studio(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        INSTRUCTOR = "instructor", "Instructor"
        STUDENT = "student", "Student"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "studio"], name="one_membership_per_studio")]

    def __str__(self):
        return f"{self.user} ({self.role}) in {self.studio}"

    @property
    def teaches(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.INSTRUCTOR)


class Invitation(models.Model):
    """A link an instructor shares; whoever opens it signed in joins the studio as a student."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=12, choices=Membership.Role.choices, default=Membership.Role.STUDENT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    uses = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Invitation to {self.studio}"

    def is_valid(self) -> bool:
        return timezone.now() < self.expires_at


def song_upload_path(song, filename):
    return f"songs/{song.id}/{filename}"


class Song(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="songs")
    title = models.CharField(max_length=200)
    audio = models.FileField(upload_to=song_upload_path)
    duration_s = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


def routine_frames_path(routine, filename):
    return f"routines/{routine.id}/{filename}"


class Routine(models.Model):
    """A generated dance for a song: joint positions (T, J, 3) in metres at `fps`, stored as .npy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="routines")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routines")
    style = models.CharField(max_length=20, choices=STYLE_CHOICES)
    level = models.CharField(max_length=12, choices=LEVEL_CHOICES)
    seed = models.IntegerField(default=0)
    fps = models.FloatField()
    joints = models.JSONField(help_text="Joint names, in the order of the frames' second axis.")
    n_frames = models.PositiveIntegerField()
    frames = models.FileField(upload_to=routine_frames_path)
    beats = models.JSONField(help_text="Beat times in seconds on the song clock.")
    downbeats = models.JSONField(default=list)
    segments = models.JSONField(
        default=list,
        help_text='Phrases: [{"start_s", "end_s", "label"}], plus "phrase_id" (and "known" when '
        "personalised) for the phrase family.",
    )
    phrases = models.JSONField(
        default=dict, blank=True,
        help_text='A personalised routine\'s phrases: {"known": [ids], "new": [ids], "text"}; '
        "empty otherwise.",
    )
    tempo_bpm = models.FloatField(null=True)
    model_version = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_style_display()} ({self.level}) for {self.song}"

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps


class TaskStatus(models.TextChoices):
    """Where a background task (a generation job, a video export) stands."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class GenerationJob(models.Model):
    Status = TaskStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    style = models.CharField(max_length=20, choices=STYLE_CHOICES)
    level = models.CharField(max_length=12, choices=LEVEL_CHOICES)
    seed = models.IntegerField(default=0)
    architecture = models.CharField(
        max_length=20, blank=True, help_text="Model family to generate with; empty means the shipped default."
    )
    personalise = models.BooleanField(
        default=False, help_text="Build on the requester's attempts in the style (phrase family)."
    )
    focus_part = models.CharField(
        max_length=12, blank=True, choices=BODY_PART_CHOICES,
        help_text="The body part to lean toward (a lesson's focus); empty: the learner's weakest.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    routine = models.OneToOneField(Routine, null=True, blank=True, on_delete=models.SET_NULL, related_name="job")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.style} ({self.level}) for {self.song}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class Attempt(models.Model):
    """A learner's practice of a routine: the pose frames received and the per-beat scores."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        INCOMPLETE = "incomplete", "Incomplete"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    studio = models.ForeignKey(
        Studio, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts",
        help_text="The studio whose lesson or class it was made for; empty for the learner's own "
        "practice. Only this studio's staff see it.",
    )

    class Mirror(models.TextChoices):
        AUTO = "auto", "Detect"
        ON = "on", "Mirrored"
        OFF = "off", "Not mirrored"

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    pose_format = models.CharField(max_length=16, default="mediapipe33")
    mirror = models.CharField(max_length=4, choices=Mirror.choices, default=Mirror.AUTO)
    clock_offset_ms = models.FloatField(null=True, blank=True, help_text="Client clock minus server clock.")
    rtt_ms = models.FloatField(null=True, blank=True)
    audio_latency_ms = models.FloatField(default=0.0, help_text="The client's audio output latency.")
    beat_results = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    connection = models.UUIDField(
        null=True, blank=True, editable=False,
        help_text="The practice socket that holds the attempt: a newer one takes it over, and an "
        "older one's batches are no longer stored.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.learner} on {self.routine}"

    @property
    def overall(self):
        """The attempt's overall score, None when it has none or the camera could not tell
        (``summary.reliable`` false; attempts stored before that field count as reliable)."""
        if not self.summary.get("reliable", True):
            return None
        return self.summary.get("overall")


class PoseBatch(models.Model):
    """One batch of pose frames as received on the practice socket, kept for replay and reports.

    `timestamps` and `frames` are `.npy` bytes: (n,) float64 ms on the song clock and
    (n, J, C) float32 in the attempt's pose format. While an attempt is in progress its beat
    results live here, with the batch that completed them (one insert, no growing rewrite of the
    attempt's list); finishing or interrupting the attempt writes `Attempt.beat_results`.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="batches")
    seq = models.PositiveIntegerField()
    timestamps = models.BinaryField()
    frames = models.BinaryField()
    image_size = models.JSONField(null=True, blank=True, help_text="[width, height] in pixels, for 2D formats.")
    beats = models.JSONField(
        default=list, blank=True, help_text="The beat results this batch completed, as sent to the learner."
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["attempt", "seq"], name="one_batch_per_seq")]

    def __str__(self):
        return f"batch {self.seq} of {self.attempt_id}"


class Lesson(models.Model):
    """An instructor's assignment of a routine to some students of their studio."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="lessons")
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="lessons")
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_taught")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    due_at = models.DateTimeField()
    target_score = models.FloatField(help_text="Overall score (0-100) an attempt must reach.")
    focus_part = models.CharField(
        max_length=12, blank=True, choices=BODY_PART_CHOICES,
        help_text="A body part the lesson works on; a routine generated for it leans toward it.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]

    def __str__(self):
        return self.title


class LessonAssignment(models.Model):
    """One student's copy of a lesson: done when an attempt reaches the target or the instructor says so."""

    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DONE = "done", "Done"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="assignments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.TODO)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by_attempt = models.ForeignKey(
        "Attempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lesson", "student"], name="one_assignment_per_student")]

    def __str__(self):
        return f"{self.lesson} for {self.student}"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.TODO and timezone.now() > self.lesson.due_at


class AttemptComment(models.Model):
    """An instructor's remark on an attempt, optionally pinned to one beat; the student sees it on the report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    beat = models.PositiveIntegerField(null=True, blank=True, help_text="Beat index, or empty for the whole attempt.")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["beat", "created_at"]

    def __str__(self):
        return f"comment on {self.attempt_id} beat {self.beat}"


def new_join_code() -> str:
    return uuid.uuid4().hex[:6].upper()


class ClassSession(models.Model):
    """A live remote class: an instructor and many learners practising one routine together."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for joining"
        RUNNING = "running", "Running"
        ENDED = "ended", "Ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="classes")
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="classes")
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classes_taught")
    title = models.CharField(max_length=200)
    join_code = models.CharField(max_length=8, unique=True, default=new_join_code)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    starts_at_ms = models.FloatField(
        null=True, blank=True, help_text="Server clock (ms since the epoch) at which the song starts for everyone."
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class ClassParticipant(models.Model):
    """A learner in a class session, with the attempt that holds their frames and scores."""

    class_session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="participants")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_seats")
    attempt = models.OneToOneField(Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="class_seat")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["class_session", "learner"], name="one_seat_per_learner")
        ]

    def __str__(self):
        return f"{self.learner} in {self.class_session}"


def video_export_path(export, filename):
    return f"videos/{export.id}/{filename}"


class VideoExport(models.Model):
    """An MP4 of a routine (the dancer, the music, beat counts) rendered on the `cpu` queue."""

    Status = TaskStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="video_exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    error = models.TextField(blank=True)
    video = models.FileField(upload_to=video_export_path, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"video of {self.routine}: {self.status}"
