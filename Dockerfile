# One image for every role: web (the default command), worker, cron and the one-shots (see compose.yaml).
# Three stages: the players from npm, the Python packages, then the runtime image, which has neither
# npm nor any test tool (only requirements-runtime.txt is installed; .dockerignore leaves tests out).

FROM node:22.11.0-bookworm-slim AS players
WORKDIR /players
RUN npm install --silent --no-audit --no-fund hls.js@1.7.4 dashjs@4.7.4 \
    && mkdir vendor \
    && cp node_modules/hls.js/dist/hls.min.js node_modules/dashjs/dist/dash.all.min.js vendor/

FROM python:3.11.10-slim-bookworm AS packages
COPY requirements-runtime.txt /tmp/
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements-runtime.txt

FROM python:3.11.10-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    VAR_DIR=/var/lib/media-platform STATIC_ROOT=/app/static
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*
COPY --from=packages /opt/venv /opt/venv
WORKDIR /app
COPY . .
COPY --from=players /players/vendor/ media_platform/static/vendor/
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
# Its home is VAR_DIR, the one folder it writes (work files; gunicorn's control socket).
RUN useradd --system --home-dir $VAR_DIR --create-home media
USER media
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# gthread workers, one process per core, eight threads each: gunicorn.conf.py (WEB_CONCURRENCY)
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
