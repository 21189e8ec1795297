from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from coach import api, class_views, lesson_api, lesson_views, media_views, video_views, views
from coach.auth_views import obtain_token
from coach.config.health import healthz

router = DefaultRouter()
router.register("songs", api.SongViewSet, basename="api-song")
router.register("routines", api.RoutineViewSet, basename="api-routine")
router.register("jobs", api.GenerationJobViewSet, basename="api-job")
router.register("attempts", api.AttemptViewSet, basename="api-attempt")
router.register("lessons", lesson_api.LessonViewSet, basename="api-lesson")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("songs/", views.songs, name="songs"),
    path("songs/<uuid:song_id>/", views.song, name="song"),
    path("songs/<uuid:song_id>/audio/", media_views.song_audio, name="song_audio"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("routines/<uuid:routine_id>/", views.routine, name="routine"),
    path("routines/<uuid:routine_id>/practice/", views.practice, name="practice"),
    path("routines/<uuid:routine_id>/audio/", media_views.routine_audio, name="routine_audio"),
    path("routines/<uuid:routine_id>/frames.npy", media_views.routine_frames,
         name="routine_frames"),
    path("routines/<uuid:routine_id>/routine.bvh", media_views.routine_bvh, name="routine_bvh"),
    path("attempts/<uuid:attempt_id>/", views.attempt_report, name="attempt_report"),
    path("studios/new/", views.studio_new, name="studio_new"),
    path("studios/<uuid:studio_id>/", views.studio, name="studio"),
    path("studios/<uuid:studio_id>/invite/", views.studio_invite, name="studio_invite"),
    path("invitations/<uuid:invitation_id>/", views.invitation, name="invitation"),
    path("studios/<uuid:studio_id>/lessons/", lesson_views.studio_lessons, name="studio_lessons"),
    path("studios/<uuid:studio_id>/lessons/new/", lesson_views.lesson_new, name="lesson_new"),
    path("studios/<uuid:studio_id>/review/", lesson_views.studio_review, name="studio_review"),
    path("studios/<uuid:studio_id>/review/<uuid:user_id>/", lesson_views.student_review, name="student_review"),
    path("studios/<uuid:studio_id>/members/<int:membership_id>/role/", lesson_views.member_role, name="member_role"),
    path("lessons/<uuid:lesson_id>/", lesson_views.lesson, name="lesson"),
    path("lessons/<uuid:lesson_id>/routine/", lesson_views.lesson_routine, name="lesson_routine"),
    path("lessons/<uuid:lesson_id>/results.csv", lesson_views.lesson_results_csv, name="lesson_results_csv"),
    path("lessons/<uuid:lesson_id>/assignments/<uuid:assignment_id>/mark/", lesson_views.assignment_mark,
         name="assignment_mark"),
    path("review/attempts/<uuid:attempt_id>/", lesson_views.attempt_review, name="attempt_review"),
    path("classes/", class_views.class_list, name="classes"),
    path("classes/new/", class_views.class_new, name="class_new"),
    path("classes/join/", class_views.class_join_code, name="class_join_code"),
    path("classes/<uuid:class_id>/", class_views.class_learn, name="class_learn"),
    path("classes/<uuid:class_id>/join/", class_views.class_join, name="class_join"),
    path("classes/<uuid:class_id>/routine/", class_views.class_routine, name="class_routine"),
    path("classes/<uuid:class_id>/board/", class_views.class_board, name="class_board"),
    path("classes/<uuid:class_id>/start/", class_views.class_start, name="class_start"),
    path("classes/<uuid:class_id>/end/", class_views.class_end, name="class_end"),
    path("classes/<uuid:class_id>/summary/", class_views.class_summary, name="class_summary"),
    path("routines/<uuid:routine_id>/video/", video_views.routine_video, name="routine_video"),
    path("videos/<uuid:export_id>/", video_views.video_export, name="video_export"),
    path("videos/<uuid:export_id>/download/", video_views.video_export_download, name="video_export_download"),
    path("api/", include(router.urls)),
    path("api/token/", obtain_token, name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
]
