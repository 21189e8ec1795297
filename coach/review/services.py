"""The instructor's review: lesson results, a class's weak spots, progress and comments.

Beat results are the dicts `scoring` emits (`index`, `time_s`, `timing`, `accuracy`,
`smoothness`, `overall` 0-100, `label`, `parts` {body part: 0-100}, `fix`); summaries are
`scoring.summary.summarise` dicts (`overall` etc.). A studio's review counts only the attempts
made for that studio (`Attempt.studio`: its lessons and classes), never a learner's own practice
or their work in another studio.
"""

import csv
import io
from dataclasses import dataclass

from coach.lessons.services import assignment_state
from coach.practice.models import Attempt
from coach.review.models import AttemptComment
from scoring.skeleton import BODY_PARTS

MAX_COMMENT_CHARS = 2000
CLASS_WEAKEST_BEATS = 5


class ReviewError(ValueError):
    pass


def completed_attempts(routine, learners, studio):
    """Completed, scored attempts of `routine` by any of `learners` made for `studio`, oldest first."""
    return (
        Attempt.objects.filter(
            routine=routine, learner__in=learners, studio=studio, status=Attempt.Status.COMPLETE
        )
        .exclude(summary={})
        .select_related("learner")
        .order_by("finished_at", "started_at")
    )


@dataclass
class ResultRow:
    student: str
    email: str
    state: str  # todo / overdue / done
    completed_at: object
    completed_by: str  # "attempt", the teacher's name, or ""
    attempts: int
    best_overall: float | None
    latest_overall: float | None


def lesson_results(lesson) -> list[ResultRow]:
    """One row per assigned student: state and the scores of attempts made for the lesson."""
    assignments = list(
        lesson.assignments.select_related("student", "marked_done_by").order_by("student__username")
    )
    attempts = completed_attempts(
        lesson.routine, [a.student for a in assignments], lesson.studio
    ).filter(started_at__gte=lesson.created_at)
    scores: dict = {}
    for attempt in attempts:
        scores.setdefault(attempt.learner_id, []).append(attempt.overall)
    rows = []
    for a in assignments:
        mine = [s for s in scores.get(a.student_id, []) if s is not None]
        if a.marked_done_by_id:
            by = a.marked_done_by.username
        else:
            by = "attempt" if a.completed_by_attempt_id else ""
        rows.append(
            ResultRow(
                student=a.student.username,
                email=a.student.email,
                state=assignment_state(a),
                completed_at=a.completed_at,
                completed_by=by,
                attempts=len(mine),
                best_overall=max(mine) if mine else None,
                latest_overall=mine[-1] if mine else None,
            )
        )
    return rows


# A spreadsheet reads a cell starting with one of these as a formula (`=cmd|' /C calc'!A0`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """`value` safe to open in a spreadsheet: text that would start a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


CSV_COLUMNS = (
    "student",
    "email",
    "state",
    "completed_at",
    "completed_by",
    "attempts",
    "best_overall",
    "latest_overall",
    "target_score",
    "due_at",
)


def lesson_results_csv(lesson) -> str:
    """`lesson_results` as CSV text with a header row; times in ISO 8601, scores 0-100."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in lesson_results(lesson):
        writer.writerow(
            csv_cell(cell)
            for cell in [
                row.student,
                row.email,
                row.state,
                row.completed_at.isoformat() if row.completed_at else "",
                row.completed_by,
                row.attempts,
                "" if row.best_overall is None else row.best_overall,
                "" if row.latest_overall is None else row.latest_overall,
                lesson.target_score,
                lesson.due_at.isoformat(),
            ]
        )
    return out.getvalue()


def class_weak_spots(routine, learners, studio) -> dict:
    """Where a class struggles on `routine`: each learner's latest completed attempt made for
    `studio` counts once.

    Returns {"learners": n, "beats": [{"index", "time_s", "overall", "learners", "fixes"}] by
    beat index (mean overall 0-100 over learners; `fixes` counts the body part each learner was
    told to fix), "weakest_beats": the CLASS_WEAKEST_BEATS lowest of those, "parts": {part:
    mean score 0-100}, "weakest_parts": [{"part", "name", "score"}] from lowest}.
    """
    latest = {}
    for attempt in completed_attempts(routine, learners, studio):
        latest[attempt.learner_id] = attempt  # ordered oldest first, so the last one wins
    per_beat: dict[int, dict] = {}
    part_scores: dict[str, list[float]] = {part: [] for part in BODY_PARTS}
    for attempt in latest.values():
        for beat in attempt.beat_results:
            if beat["overall"] is None:
                continue  # not seen: no scores
            entry = per_beat.setdefault(
                beat["index"], {"time_s": beat["time_s"], "overall": [], "fixes": {}}
            )
            entry["overall"].append(beat["overall"])
            if beat.get("fix"):
                entry["fixes"][beat["fix"]] = entry["fixes"].get(beat["fix"], 0) + 1
            for part, score in beat.get("parts", {}).items():
                if score is not None:
                    part_scores.setdefault(part, []).append(score)
    beats = [
        {
            "index": index,
            "time_s": entry["time_s"],
            "overall": round(sum(entry["overall"]) / len(entry["overall"]), 1),
            "learners": len(entry["overall"]),
            "fixes": entry["fixes"],
        }
        for index, entry in sorted(per_beat.items())
    ]
    parts = {part: round(sum(v) / len(v), 1) for part, v in part_scores.items() if v}
    return {
        "learners": len(latest),
        "beats": beats,
        "weakest_beats": sorted(beats, key=lambda b: (b["overall"], b["index"]))[
            :CLASS_WEAKEST_BEATS
        ],
        "parts": parts,
        "weakest_parts": [
            {"part": part, "name": part.replace("_", " "), "score": parts[part]}
            for part in sorted(parts, key=parts.get)
        ],
    }


def progress(learners, studio, routine=None) -> list[dict]:
    """Each learner's completed attempts for `studio` over time, for a chart: [{"learner", "points":
    [{"t": ISO time finished, "overall" 0-100, "attempt" id}]}], learners by name; one routine or all."""
    attempts = Attempt.objects.filter(
        learner__in=learners, studio=studio, status=Attempt.Status.COMPLETE
    ).exclude(summary={})
    if routine is not None:
        attempts = attempts.filter(routine=routine)
    series: dict = {}
    for attempt in attempts.select_related("learner").order_by("finished_at", "started_at"):
        overall = attempt.overall
        if overall is None:
            continue
        when = attempt.finished_at or attempt.started_at
        series.setdefault(attempt.learner.username, []).append(
            {"t": when.isoformat(), "overall": overall, "attempt": str(attempt.id)}
        )
    return [{"learner": name, "points": points} for name, points in sorted(series.items())]


def add_comment(attempt, author, text: str, *, beat: int | None = None) -> AttemptComment:
    """Pin a teacher's remark to one beat of the attempt (or to the whole attempt when None)."""
    text = (text or "").strip()
    if not text:
        raise ReviewError("Write something.")
    if len(text) > MAX_COMMENT_CHARS:
        raise ReviewError(f"At most {MAX_COMMENT_CHARS} characters.")
    if beat is not None and not 0 <= beat < len(attempt.routine.beats):
        raise ReviewError(f"Beat must be between 1 and {len(attempt.routine.beats)}.")
    return AttemptComment.objects.create(attempt=attempt, author=author, beat=beat, text=text)


@dataclass
class StudentRow:
    student: object
    todo: int
    overdue: int
    done: int
    attempts: int
    latest_overall: float | None
    last_practised: object


def studio_overview(studio, students) -> list[StudentRow]:
    """Per student of the studio: their lessons there by state, and their completed attempts there."""
    rows = []
    for student in students:
        counts = {"todo": 0, "overdue": 0, "done": 0}
        for assignment in student.assignments.filter(lesson__studio=studio).select_related(
            "lesson"
        ):
            counts[assignment_state(assignment)] += 1
        attempts = student.attempts.filter(studio=studio, status=Attempt.Status.COMPLETE).exclude(
            summary={}
        )
        latest = attempts.order_by("-started_at").first()
        rows.append(
            StudentRow(
                student=student,
                **counts,
                attempts=attempts.count(),
                latest_overall=latest.overall if latest else None,
                last_practised=latest.started_at if latest else None,
            )
        )
    return rows
