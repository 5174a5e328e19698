"""KIS Portal settings, read from the environment (README "Konfigurasi").

Read top to bottom: the environment helpers, then core Django, the apps and the
middleware (each once, in the order they load and run), the database, security,
logging and the office's own settings. Every variable read here is also listed in
pyproject.toml's pytest `env`, so the test suite sets them all itself.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset or empty means the default."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- Core ------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production set SECRET_KEY to a long random "
            "value (python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "for local development set DEBUG=1 instead."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
# Rotating SECRET_KEY: the old key(s), comma-separated, still verify sessions and
# signed links until they expire (SESSION_COOKIE_AGE); then remove them.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
ROOT_URLCONF = "kis_portal.urls"
WSGI_APPLICATION = "kis_portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Makassar")
USE_I18N = True
USE_TZ = True

# The demo data (seed_demo) is installed with DEBUG, or when KIS_DEMO asks for it
# (the test suite, a training server); never in a production deployment.
KIS_DEMO = env_bool("KIS_DEMO", DEBUG)

# --- Apps: Django, third parties, then the portal from its base up (the layers
# of docs/architecture.md) ---------------------------------------------------------
INSTALLED_APPS = [
    "kis_portal.apps.KisAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # before staticfiles: runserver serves like prod
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # The base: regions, office profiles, accounts, history, jobs, limits, uploads.
    "kis_portal.wilayah",
    "kis_portal.accounts",
    "kis_portal.offices",
    "kis_portal.audit",
    "kis_portal.jobs",
    "kis_portal.ratelimit",
    "kis_portal.staging",
    "kis_portal.ops",  # heartbeats of periodic jobs, /healthz/detail, deploy checks
    # The pipeline, in the order a household goes through it.
    "dtks",
    "usulan",
    "verifikasi",
    "rekap_bpjs",
    "distribusi",
    "pengaduan",
    "notifikasi",
    "laporan",
    "privasi",
]
if KIS_DEMO:
    INSTALLED_APPS.append("demo")

# --- Middleware, in the order a request passes through it -----------------------
MIDDLEWARE = [
    # Every request gets an id (kept from a safe incoming X-Request-ID, e.g. nginx's
    # $request_id, else generated): in the X-Request-ID header, on the 500 page as
    # "Kode kejadian" and in every log line written while it runs.
    "kis_portal.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, pre-compressed
    # Gzip for pages and JSON (padded against BREACH), after whitenoise.
    "kis_portal.compression.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # right after authentication
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kis_portal.accounts.middleware.NoStoreMiddleware",  # personal pages uncached
    "kis_portal.accounts.middleware.SessionExpiryMiddleware",
    "kis_portal.accounts.middleware.TwoFactorMiddleware",
    # After the code step: a one-time password must be replaced before anything else.
    "kis_portal.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

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
                "kis_portal.context_processors.portal",
            ],
            # kis_portal is not an app, so its tags are named here.
            "libraries": {
                "form_ui": "kis_portal.templatetags.form_ui",
                "pages": "kis_portal.templatetags.pages",
            },
        },
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Database -----------------------------------------------------------------------
# SQLite file in the project folder unless DATABASE_URL is set
# (postgres://user:password@host:5432/name in production).
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo runs a web server and a job worker on one file: wait for locks
    # instead of failing, and take the write lock at the start of a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Background jobs (django-tasks; the database backend, worker: manage.py db_worker).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Files --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("STATIC_MANIFEST", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files hold personal data: they live outside the web root and are
# only ever served through views that check access (no MEDIA_URL route).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-tidak-dilayani/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Login, sessions and two-factor login -------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "kis_portal.accounts.backends.LoginThrottleBackend",
    "kis_portal.accounts.backends.PortalModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
# Sessions end after KIS_SESI_DIAM_MENIT minutes without a request and, when
# KIS_SESI_TENGAH_MALAM is on, at local midnight (TIME_ZONE).
KIS_SESI_DIAM_MENIT = env_int("KIS_SESI_DIAM_MENIT", 30)
KIS_SESI_TENGAH_MALAM = env_bool("KIS_SESI_TENGAH_MALAM", True)
# Failed logins (django-axes): after KIS_LOGIN_MAKS_GAGAL failures for one
# username from one client address, that pair waits KIS_LOGIN_JEDA_MENIT minutes.
# Unlock early: the "Buka kunci" button on the user's page, the Django admin
# (Axes > Access attempts) or `manage.py axes_reset_username <username>`.
KIS_LOGIN_MAKS_GAGAL = env_int("KIS_LOGIN_MAKS_GAGAL", 5)
KIS_LOGIN_JEDA_MENIT = env_int("KIS_LOGIN_JEDA_MENIT", 15)
AXES_FAILURE_LIMIT = KIS_LOGIN_MAKS_GAGAL
AXES_COOLOFF_TIME = KIS_LOGIN_JEDA_MENIT / 60  # hours, as a float
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# kis_portal.http.client_ip (honours KIS_CLIENT_IP_HEADER), None if not an IP.
AXES_CLIENT_IP_CALLABLE = "kis_portal.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "kis_portal.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Two-factor login (TOTP app) for kepala dinas, verifikator, staf rekap and admin:
# on in production unless KIS_2FA=0 (check --deploy then warns kis.W001).
KIS_2FA = env_bool("KIS_2FA", not DEBUG)
OTP_TOTP_ISSUER = env_str("KIS_2FA_PENERBIT", "KIS Portal")
# Accounts the admin issues get a one-time password on a printed slip (never one
# the admin chooses): it must be replaced at the first login and stops working
# after KIS_SANDI_SEMENTARA_HARI days unused. An account without a login for
# KIS_AKUN_DIAM_HARI days is dormant; dormant operator accounts are deactivated
# by `manage.py deactivate_dormant` (daily).
KIS_SANDI_SEMENTARA_HARI = env_int("KIS_SANDI_SEMENTARA_HARI", 7)
KIS_AKUN_DIAM_HARI = env_int("KIS_AKUN_DIAM_HARI", 90)
# The portal's address printed on the slips and in their SMS/WhatsApp; by
# default https:// and the first ALLOWED_HOSTS name (the dev server with DEBUG).
KIS_ALAMAT_PORTAL = env_str(
    "KIS_ALAMAT_PORTAL",
    "http://127.0.0.1:8000"
    if DEBUG
    else next((f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if h != "*"), ""),
)

# --- HTTPS and headers -----------------------------------------------------------
# Behind a TLS-terminating proxy that already redirects http to https,
# SECURE_SSL_REDIRECT=0 is fine (check --deploy then warns security.W008).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/detail)?$"]  # monitors over plain http
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain to HTTPS in browsers for months: the
# domain owner's decision, so it is opt-in (and its deploy warning silenced).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): no inline script or style anywhere; the
# templates use data attributes handled by static/js/portal.js and CSS classes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap's icons are data: SVGs
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],  # 'self' where X-Frame-Options is SAMEORIGIN
    }
}

# --- Logging ------------------------------------------------------------------------
# One line per event with the request id; NIK/KK and phone numbers are masked by
# the formatter (defence in depth: code must not log them, the suite checks it).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kis_portal.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "kis_portal.privacy.MaskingFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures yes, chatter no
    },
}

# --- The office this portal serves ----------------------------------------------
# The one kabupaten/kota (Kemendagri code) whose kecamatan and desa are loaded.
KIS_KABUPATEN = env_str("KIS_KABUPATEN", "51.08")
# Shown when no office profile is active yet; the active profile's name wins.
KIS_OFFICE_NAME = env_str("KIS_OFFICE_NAME", "Dinas Sosial")
KIS_OFFICE_LOGO = env_str("KIS_OFFICE_LOGO", "img/logo.svg")
KIS_UPLOAD_MAX_MB = env_int("KIS_UPLOAD_MAX_MB", 5)
KIS_BULK_MAX_ROWS = env_int("KIS_BULK_MAX_ROWS", 2000)
# The largest DTKS/DTSEN extract accepted for import (a regency's file is large).
KIS_DTKS_MAX_MB = env_int("KIS_DTKS_MAX_MB", 200)
# An upload waiting for its confirmation (or its background job) is deleted after
# this many hours; `manage.py purge_staging` sweeps what nobody confirmed.
KIS_STAGING_JAM = env_int("KIS_STAGING_JAM", 4)
KIS_CLAIM_MINUTES = env_int("KIS_CLAIM_MINUTES", 60)
# An operator told "already proposed in another desa" for more than this many
# distinct NIKs in 24 hours gets no further answer about new NIKs until it passes.
KIS_NIK_LAIN_MAKS_HARI = env_int("KIS_NIK_LAIN_MAKS_HARI", 10)
# Cards received from BPJS but not handed over after this many days are flagged.
KIS_KARTU_BATAS_HARI = env_int("KIS_KARTU_BATAS_HARI", 14)
# Days to resolve a complaint, per category; open ones past it are flagged.
KIS_PENGADUAN_TARGET_HARI = {
    "belum_dicetak": 14,
    "terlambat": 7,
    "data_salah": 14,
    "tidak_diterima": 7,
    "lainnya": 7,
}
# Public complaint form: submissions per client address per hour.
KIS_PENGADUAN_PUBLIK_PER_JAM = env_int("KIS_PENGADUAN_PUBLIK_PER_JAM", 5)
# Behind nginx, the request META key holding the client address (for example
# HTTP_X_REAL_IP); the last comma-separated entry is used. Empty: REMOTE_ADDR.
KIS_CLIENT_IP_HEADER = env_str(
    "KIS_CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR" if BEHIND_PROXY else ""
)
# Notifications: inbox messages for the desa, SMS/WhatsApp through a backend
# (the default only records them; HttpGatewayBackend posts to a gateway).
KIS_NOTIF_BACKEND = env_str(
    "KIS_NOTIF_BACKEND", "notifikasi.backends.DatabaseLogBackend"
)
KIS_NOTIF_KANAL = env_str("KIS_NOTIF_KANAL", "whatsapp")  # or "sms"
KIS_NOTIF_GATEWAY_URL = env_str("KIS_NOTIF_GATEWAY_URL", "")
KIS_NOTIF_GATEWAY_TOKEN = env_str("KIS_NOTIF_GATEWAY_TOKEN", "")
KIS_NOTIF_GATEWAY_HEADER = env_str("KIS_NOTIF_GATEWAY_HEADER", "Authorization")
KIS_NOTIF_GATEWAY_TIMEOUT = env_int("KIS_NOTIF_GATEWAY_TIMEOUT", 10)
KIS_NOTIF_MAX_PERCOBAAN = env_int("KIS_NOTIF_MAX_PERCOBAAN", 5)
KIS_NOTIF_JEDA_DETIK = env_int("KIS_NOTIF_JEDA_DETIK", 60)  # doubles per retry
# Public status check: attempts per window per address and per registration number.
KIS_CEK_STATUS_MAKS_IP = env_int("KIS_CEK_STATUS_MAKS_IP", 20)
KIS_CEK_STATUS_MAKS_NOMOR = env_int("KIS_CEK_STATUS_MAKS_NOMOR", 5)
KIS_CEK_STATUS_JENDELA_MENIT = env_int("KIS_CEK_STATUS_JENDELA_MENIT", 60)
# Monthly premium per PBI participant, class III (Rp), for the payment recommendation.
KIS_PREMI_PBI = env_int("KIS_PREMI_PBI", 42000)
# BPJS segment names that mean "paid by this regency" in BPJS's participant lists.
KIS_SEGMEN_APBD = env_list("KIS_SEGMEN_APBD", "PBPU PEMDA,PBI APBD,PD PEMDA")

# --- Privacy (UU 27/2022) --------------------------------------------------
# Scanned documents, field-check photos, complaint attachments and card
# hand-over photos of closed cases are deleted this many days after the case
# closed (`manage.py purge_dokumen`); the rows stay and record the purge.
# Default 5 years.
KIS_RETENSI_DOKUMEN_HARI = env_int("KIS_RETENSI_DOKUMEN_HARI", 5 * 365)
# Access records (who saw whose data, AksesData) are deleted this many days after
# they were written, by the same daily purge. Default 2 years.
KIS_RETENSI_AKSES_HARI = env_int("KIS_RETENSI_AKSES_HARI", 2 * 365)

# --- Operations: housekeeping, backups, health (docs/deploy.md) -------------------
# Finished background jobs (their rows, their export files under MEDIA_ROOT/jobs/,
# which may hold full NIKs, and the worker's task results) are deleted this many
# days after they finished (`manage.py prune_jobs`, daily).
KIS_TUGAS_SIMPAN_HARI = env_int("KIS_TUGAS_SIMPAN_HARI", 14)
# Backups (scripts/backup reads the same variables from the same file): the folder
# of daily snapshots (media as hard links to the previous one: one full copy plus
# what changed), and the days they are kept.
KIS_CADANGAN_DIR = Path(env_str("KIS_CADANGAN_DIR", str(BASE_DIR / "backups")))
KIS_CADANGAN_SIMPAN_HARI = env_int("KIS_CADANGAN_SIMPAN_HARI", 14)
# The off-site copy, encrypted with age to the public key(s) in the recipients file,
# written to a mounted folder (another server, a NAS); empty: no off-site copy.
KIS_CADANGAN_LUAR_DIR = env_str("KIS_CADANGAN_LUAR_DIR", "")
KIS_CADANGAN_LUAR_PENERIMA = env_str("KIS_CADANGAN_LUAR_PENERIMA", "")
KIS_CADANGAN_LUAR_SIMPAN_HARI = env_int("KIS_CADANGAN_LUAR_SIMPAN_HARI", 90)
# /healthz/detail (database, worker, queue, disk, backups, housekeeping) answers an
# internal monitor sending "Authorization: Bearer <token>"; empty: not served.
KIS_HEALTHZ_TOKEN = env_str("KIS_HEALTHZ_TOKEN", "")
