"""gunicorn settings for every gunicorn the image runs.

The Dockerfile names this file in GUNICORN_CMD_ARGS, so the web service of
docker-compose.yml, whatever its command line, reads it too. Command-line flags
(bind, workers) still win over what is set here.
"""

import gunicorn.http.wsgi

from ops.logs import configure_structlog, formatters

# gunicorn writes "Server: gunicorn" on every response; a server banner tells a visitor
# only which exploits to try. The reverse proxy sends its own (deploy/nginx.conf, no
# version); gunicorn answers with an empty one.
gunicorn.http.wsgi.SERVER = ""

# gunicorn's own lines (start-up, worker restarts and timeouts) as JSON, like the app's,
# on stderr. No access log, even with --access-logfile: Django's request_finished line
# (ops/request_log.py) already logs every request, with its id.
configure_structlog()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": formatters(),
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
}
