from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from coach import api, views
from coach.health import healthz

router = DefaultRouter()
router.register("songs", api.SongViewSet, basename="api-song")
router.register("routines", api.RoutineViewSet, basename="api-routine")
router.register("jobs", api.GenerationJobViewSet, basename="api-job")
router.register("attempts", api.AttemptViewSet, basename="api-attempt")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("songs/", views.songs, name="songs"),
    path("songs/<uuid:song_id>/", views.song, name="song"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("routines/<uuid:routine_id>/", views.routine, name="routine"),
    path("routines/<uuid:routine_id>/practice/", views.practice, name="practice"),
    path("attempts/<uuid:attempt_id>/", views.attempt_report, name="attempt_report"),
    path("studios/new/", views.studio_new, name="studio_new"),
    path("studios/<uuid:studio_id>/", views.studio, name="studio"),
    path("studios/<uuid:studio_id>/invite/", views.studio_invite, name="studio_invite"),
    path("invitations/<uuid:invitation_id>/", views.invitation, name="invitation"),
    path("api/", include(router.urls)),
    path("api/token/", obtain_auth_token, name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
]
# Uploaded songs in development (DEBUG); in production a web server or storage backend serves them.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
