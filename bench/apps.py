from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """Development only: the labelled synthetic directory for benchmarks (never in production)."""

    name = "bench"
    verbose_name = _("Benchmarks")
