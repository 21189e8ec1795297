from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from coach.accounts import views as accounts
from coach.accounts.api import obtain_token
from coach.classes import views as classes
from coach.config.health import healthz
from coach.lessons import views as lessons
from coach.lessons.api import LessonViewSet
from coach.practice import views as practice
from coach.practice.api import AttemptViewSet
from coach.review import views as review
from coach.routines import views as routines
from coach.routines.api import GenerationJobViewSet, RoutineViewSet
from coach.songs import views as songs
from coach.songs.api import SongViewSet
from coach.studios import views as studios
from coach.videos import views as videos

router = DefaultRouter()
router.register("songs", SongViewSet, basename="api-song")
router.register("routines", RoutineViewSet, basename="api-routine")
router.register("jobs", GenerationJobViewSet, basename="api-job")
router.register("attempts", AttemptViewSet, basename="api-attempt")
router.register("lessons", LessonViewSet, basename="api-lesson")

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", accounts.dashboard, name="dashboard"),
    path("songs/", songs.songs, name="songs"),
    path("songs/<uuid:song_id>/", songs.song, name="song"),
    path("songs/<uuid:song_id>/audio/", songs.song_audio, name="song_audio"),
    path("jobs/<uuid:job_id>/", routines.job, name="job"),
    path("routines/<uuid:routine_id>/", routines.routine, name="routine"),
    path("routines/<uuid:routine_id>/practice/", practice.practice, name="practice"),
    path("routines/<uuid:routine_id>/audio/", routines.routine_audio, name="routine_audio"),
    path("routines/<uuid:routine_id>/frames.npy", routines.routine_frames, name="routine_frames"),
    path("routines/<uuid:routine_id>/routine.bvh", routines.routine_bvh, name="routine_bvh"),
    path("attempts/<uuid:attempt_id>/", practice.attempt_report, name="attempt_report"),
    path("studios/new/", studios.studio_new, name="studio_new"),
    path("studios/<uuid:studio_id>/", studios.studio, name="studio"),
    path("studios/<uuid:studio_id>/invite/", studios.studio_invite, name="studio_invite"),
    path("invitations/<uuid:invitation_id>/", studios.invitation, name="invitation"),
    path("studios/<uuid:studio_id>/lessons/", lessons.studio_lessons, name="studio_lessons"),
    path("studios/<uuid:studio_id>/lessons/new/", lessons.lesson_new, name="lesson_new"),
    path("studios/<uuid:studio_id>/review/", review.studio_review, name="studio_review"),
    path(
        "studios/<uuid:studio_id>/review/<uuid:user_id>/",
        review.student_review,
        name="student_review",
    ),
    path(
        "studios/<uuid:studio_id>/members/<int:membership_id>/role/",
        studios.member_role,
        name="member_role",
    ),
    path("lessons/<uuid:lesson_id>/", lessons.lesson, name="lesson"),
    path("lessons/<uuid:lesson_id>/routine/", lessons.lesson_routine, name="lesson_routine"),
    path(
        "lessons/<uuid:lesson_id>/results.csv",
        lessons.lesson_results_csv,
        name="lesson_results_csv",
    ),
    path(
        "lessons/<uuid:lesson_id>/assignments/<uuid:assignment_id>/mark/",
        lessons.assignment_mark,
        name="assignment_mark",
    ),
    path("review/attempts/<uuid:attempt_id>/", review.attempt_review, name="attempt_review"),
    path("classes/", classes.class_list, name="classes"),
    path("classes/new/", classes.class_new, name="class_new"),
    path("classes/join/", classes.class_join_code, name="class_join_code"),
    path("classes/<uuid:class_id>/", classes.class_learn, name="class_learn"),
    path("classes/<uuid:class_id>/join/", classes.class_join, name="class_join"),
    path("classes/<uuid:class_id>/routine/", classes.class_routine, name="class_routine"),
    path("classes/<uuid:class_id>/board/", classes.class_board, name="class_board"),
    path("classes/<uuid:class_id>/start/", classes.class_start, name="class_start"),
    path("classes/<uuid:class_id>/end/", classes.class_end, name="class_end"),
    path("classes/<uuid:class_id>/summary/", classes.class_summary, name="class_summary"),
    path("routines/<uuid:routine_id>/video/", videos.routine_video, name="routine_video"),
    path("videos/<uuid:export_id>/", videos.video_export, name="video_export"),
    path(
        "videos/<uuid:export_id>/download/",
        videos.video_export_download,
        name="video_export_download",
    ),
    path("api/", include(router.urls)),
    path("api/token/", obtain_token, name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
]
