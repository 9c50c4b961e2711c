"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from ops.statement_timeout import limit_web_statements

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

# Web requests only: no SQL statement runs past DATABASE_STATEMENT_TIMEOUT_MS. Commands
# and Celery tasks never import this module, so they are not limited.
limit_web_statements()
