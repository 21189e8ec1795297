"""Settings: every value comes from the environment, with a default that works on a laptop.

No variable set => SQLite, the in-memory channel layer, local media files and a Celery worker
running inside the web process on an in-memory broker. The README lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-" + "x" * 32)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "channels",
    "axes",
    # The site's features, one app each (coach.accounts keeps the label `coach`: see its apps.py).
    "coach.accounts",
    "coach.common",
    "coach.studios",
    "coach.songs",
    "coach.routines",
    "coach.practice",
    "coach.lessons",
    "coach.review",
    "coach.classes",
    "coach.videos",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "coach.common.not_found.NotFoundPageMiddleware",
    # Last, as django-axes asks: turns a locked-out login into a 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coach.config.urls"
WSGI_APPLICATION = "coach.config.wsgi.application"
ASGI_APPLICATION = "coach.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coach.common.context_processors.memberships",
                "coach.common.context_processors.socket_protocol",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Keep connections open between requests and socket messages: Channels runs every database call
# through `close_old_connections`, and reopening SQLite (with its pragmas) per pose batch was
# the live server's largest cost.
DATABASES["default"].update(
    CONN_MAX_AGE=env.int("DB_CONN_MAX_AGE", default=600), CONN_HEALTH_CHECKS=True
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the writer (the worker, the practice socket) work side by side, and
    # synchronous=NORMAL avoids an fsync per committed pose batch; IMMEDIATE avoids lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        transaction_mode="IMMEDIATE",
    )
# A file for the SQLite test database lets a separate Celery worker process share it.
if env("DATABASE_TEST_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "coach.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing: django-axes refuses a username on a client address after LOGIN_FAILURE_LIMIT
# wrong passwords, for LOGIN_LOCKOUT_MINUTES (the login page, the admin's and /api/token/).
# Locking the pair, not the address, keeps a studio's shared Wi-Fi usable during an attack.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "coach.accounts.throttles.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Media are private: views check permission, then Django streams the file (with Range) or hands
# it to the front web server or the storage (coach/common/file_responses.py). Nothing serves MEDIA_URL.
MEDIA_ACCEL = env("MEDIA_ACCEL", default="none")
if MEDIA_ACCEL not in ("none", "x-accel", "x-sendfile", "redirect"):
    raise ImproperlyConfigured(
        f"MEDIA_ACCEL is none, x-accel, x-sendfile or redirect, not {MEDIA_ACCEL!r}"
    )
MEDIA_ACCEL_PREFIX = env("MEDIA_ACCEL_PREFIX", default="/protected-media/")
STORAGES = {
    "default": {
        "BACKEND": env("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        # e.g. {"bucket_name": "coach-media", "querystring_expire": 300} for django-storages' S3
        "OPTIONS": env.json("FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads above this size are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Dance Coach <coach@localhost>")

# Redis switches the channel layer and the Celery broker and result store together.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, which kills the layer's
            # blocking BZPOPMIN on any socket idle for 5 s (channels_redis issue 422).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# The cache holds the rate limits' counts: shared by every process with Redis, else per process.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

# Practice sockets store their pose batches in one transaction per round of this many seconds
# (coach/practice/writer.py); a batch is acknowledged when its round is stored.
PRACTICE_STORE_EVERY_S = env.float("PRACTICE_STORE_EVERY_S", default=1.0)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# With the in-memory broker the web process runs the worker itself (see coach/config/worker.py).
CELERY_EMBEDDED_WORKER = CELERY_BROKER_URL.startswith("memory://")
# By task name: the names stay those of before the feature apps (coach/routines/tasks.py,
# coach/videos/tasks.py), so queued messages and routes still match.
CELERY_TASK_ROUTES = {
    "generation.tasks.*": {"queue": "gpu"},
    "coach.tasks.*": {"queue": "cpu"},
}
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "coach.accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "coach.common.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    # coach/accounts/throttles.py: per client address; behind a proxy, TRUSTED_PROXY_COUNT says how many
    # X-Forwarded-For hops to trust when telling clients apart.
    "DEFAULT_THROTTLE_RATES": {
        "login": env("LOGIN_RATE", default="10/minute"),
        "signup": env("SIGNUP_RATE", default="20/hour"),
    },
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0) or None,
}
# API tokens (POST /api/token/) expire after this; logging out deletes them (coach/accounts/tokens.py).
API_TOKEN_LIFETIME = timedelta(hours=env.int("API_TOKEN_HOURS", default=7 * 24))

SPECTACULAR_SETTINGS = {
    "TITLE": "Dance Coach API",
    "DESCRIPTION": "Songs, generated routines, generation jobs and practice attempts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "coach.common.api_schema.document_error_responses",
    ],
}

# Content-Security-Policy (django-csp): scripts only from this site's static files, no inline
# script (pages pass data in json_script blocks, which are not run); WebAssembly for MediaPipe
# Pose; camera and song blobs; the practice and class sockets are same-origin ('self').
# Inline style attributes stay allowed: they carry no script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production safety: when DEBUG is off and HTTPS is declared, lock cookies and transport down.
SECURE_SSL = env.bool("SECURE_SSL", default=False)
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
