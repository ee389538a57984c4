# One image for every role: web (default), worker, cron. See compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/media-platform
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN mkdir -p media_platform/static/vendor var/npm \
    && npm install --silent --no-audit --no-fund --prefix var/npm hls.js@1.7.4 dashjs@4.7.4 \
    && cp var/npm/node_modules/hls.js/dist/hls.min.js var/npm/node_modules/dashjs/dist/dash.all.min.js media_platform/static/vendor/ \
    && rm -rf var/npm \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --system --home /app media && mkdir -p $VAR_DIR && chown media $VAR_DIR
USER media
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--worker-class", "gthread", "--threads", "8", "--timeout", "3600"]
