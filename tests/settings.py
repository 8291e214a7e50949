"""Test settings: production settings with test-only relaxations.

DEBUG stays off (as pytest-django forces), so tests see production behaviour, but HTTPS
redirects, secure cookies and slow password hashing are turned off.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")

from config.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the app folders without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Background tasks run inside the request, so a test sees their outcome; the heartbeat thread is
# started only by the tests about it.
TASKS_WITHOUT_BROKER = "inline"
METRICS_IMPORT_HEARTBEAT_SECONDS = 0
# The read API's limit for calls without a sign-in is per client address, and every test client is
# 127.0.0.1: the tests about the limit set their own.
API_ANON_RATE_LIMIT = "10000/hour"
# One database connection per request, as before persistent connections became the production
# default on PostgreSQL: threads the tests start (live server, Celery workers, background tasks)
# would otherwise keep connections to the test database open past its teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
