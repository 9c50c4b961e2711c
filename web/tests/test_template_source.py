"""Checks of the templates' source that Django itself does not make."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def test_no_template_comment_spans_lines():
    """Django's {# ... #} comment is one line only: one that runs onto the next line is
    printed on the page as text (it was, under a network's "Who is missing"). Longer
    comments use {% comment %}."""
    offenders = []
    base = Path(settings.BASE_DIR).resolve()
    directories = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        # The project's own apps, not the installed packages (in .venv/ on a checkout).
        if Path(config.path).resolve().is_relative_to(base)
        and not Path(config.path).resolve().relative_to(base).parts[0].startswith(".")
    ]
    assert len(directories) > 1
    for directory in directories:
        for path in sorted(directory.rglob("*.html")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                rest = line
                while "{#" in rest:
                    rest = rest[rest.index("{#") + 2 :]
                    if "#}" not in rest:
                        offenders.append(f"{path}:{number}")
                        break
                    rest = rest[rest.index("#}") + 2 :]
    assert offenders == []
