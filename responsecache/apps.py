from django.apps import AppConfig


class ResponseCacheConfig(AppConfig):
    """Whole-response cache for anonymous reads, invalidated on every curated change."""

    name = "responsecache"
    label = "response_cache"
    verbose_name = "Response cache"

    def ready(self) -> None:
        # Importing the module connects its invalidation receivers in every process
        # (web, Celery, commands) before any request, task or command runs.
        from . import cache  # noqa: F401
