"""Django settings for idms.

The database comes from ``IDMS_DATABASE_URL``; the default is a SQLite file, ``idms.sqlite3``, in
the working directory (the embedded mode: no services to install).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent

DEFAULT_DATABASE_URL = "sqlite:///idms.sqlite3"


def database_from_url(url: str) -> dict[str, object]:
    """A Django DATABASES entry for ``url``; test databases get their own names."""
    config: dict[str, object] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # Long imports hold one write transaction; readers should wait, not fail at once.
            "timeout": 30,
            # WAL lets the web pages read while a job writes; a 64 MiB page cache keeps the
            # indexes of a million-row import in memory (a bounded cost, whatever the file size).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
            ),
        }
    else:
        config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    return config


SECRET_KEY = os.environ.get("IDMS_DJANGO_SECRET_KEY", "idms-embedded-insecure-key")
DEBUG = os.environ.get("IDMS_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("IDMS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "idms.web.audit",
    "idms.web.credentials",
    "idms.web.runs",
    "idms.web.relying_parties",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "idms.web.urls"

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

WSGI_APPLICATION = "idms.web.wsgi.application"

DATABASES = {
    "default": database_from_url(os.environ.get("IDMS_DATABASE_URL", DEFAULT_DATABASE_URL))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
