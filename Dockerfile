# Lattice production image: gunicorn serving config.wsgi, static files collected at
# build time and served by WhiteNoise. Used by docker-compose.yml for web, worker, beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:$PATH" \
    GUNICORN_CMD_ARGS="--config=deploy/gunicorn.conf.py"

RUN pip install uv==0.13.9 \
    && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin lattice

WORKDIR /app

# Dependencies first, from the lock file alone, so that code changes reuse this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# Hashed, compressed static files for WhiteNoise. The secret key and host list here are
# throwaway values that only let production settings load; they stay out of the image.
RUN DJANGO_ENV=production \
    SECRET_KEY=build-time-only-collectstatic-key-not-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# The open-data releases' volume (MEDIA_ROOT in docker-compose.yml): a new named volume
# takes this folder's owner, so the app user can write releases to it.
RUN mkdir -p /var/lib/lattice/media && chown lattice /var/lib/lattice/media

USER lattice

EXPOSE 8000

# GUNICORN_CMD_ARGS (above) adds deploy/gunicorn.conf.py: JSON logs, no Server banner.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
