"""The site's models move to their feature apps (studios, songs, routines, practice, lessons,
review, classes, videos); only the user model stays in this app (label `coach`).

State only: the tables keep their names (`coach_<model>`, each model's `Meta.db_table`), their
rows, keys and constraints. Each feature app's 0001_initial takes its models into its state after
this migration. The content types move with them (same rows, new app label), so permissions,
group permissions and admin log entries keep pointing at the same models.
"""

from django.db import migrations

# model name (lower case) -> its app's label now
MOVED = {
    "studio": "studios",
    "membership": "studios",
    "invitation": "studios",
    "song": "songs",
    "routine": "routines",
    "generationjob": "routines",
    "attempt": "practice",
    "posebatch": "practice",
    "lesson": "lessons",
    "lessonassignment": "lessons",
    "attemptcomment": "review",
    "classsession": "classes",
    "classparticipant": "classes",
    "videoexport": "videos",
}


def relabel_content_types(apps, schema_editor, *, forward=True):
    """Give the moved models' content types their new app label (a fresh database has none yet:
    they are made after migrating, with the new labels)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model, app_label in MOVED.items():
        old, new = ("coach", app_label) if forward else (app_label, "coach")
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue  # already there (made by a `migrate` that ran with the new apps): keep it
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def content_types_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("coach", "0006_personalised_routines"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Those that refer to others first, so that no model in the state points at a removed one.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name=name)
                for name in (
                    "ClassParticipant", "LessonAssignment", "AttemptComment", "PoseBatch", "VideoExport",
                    "ClassSession", "Lesson", "GenerationJob", "Attempt", "Routine", "Song", "Invitation",
                    "Membership", "Studio",
                )
            ],
        ),
        migrations.RunPython(relabel_content_types, content_types_back),
    ]
