"""Checks of the templates' source that Django itself does not make."""

from pathlib import Path

from django.conf import settings


def test_no_template_comment_spans_lines():
    """Django's {# ... #} comment is one line only: one that runs onto the next line is
    printed on the page as text (it was, under a network's "Who is missing"). Longer
    comments use {% comment %}."""
    offenders = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.html")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                rest = line
                while "{#" in rest:
                    rest = rest[rest.index("{#") + 2 :]
                    if "#}" not in rest:
                        offenders.append(f"{path}:{number}")
                        break
                    rest = rest[rest.index("#}") + 2 :]
    assert offenders == []
