# Production image: slim Python 3.11, dependencies from uv.lock, gunicorn, non-root user.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

# pg_dump and pg_restore for `manage.py backup`/`restore`, the major version of the
# postgres:16 server in docker-compose.yml (Debian bookworm ships 15, which refuses 16).
# libfribidi0: Pillow's bundled libraqm loads it to shape Tibetan in the card and poster PNGs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
    https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
    > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-16 logrotate libfribidi0 \
 && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv>=0.13,<0.14" \
 && groupadd --system app && useradd --system --gid app --home /app app

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY --chown=app:app . .
RUN mkdir -p /app/media /app/staticfiles /app/logs /backups \
 && chown -R app:app /app/media /app/staticfiles /app/logs /backups

# prometheus_client's multiprocess mode: the request metrics of all gunicorn workers are
# summed at every scrape (README, Metrics and alerts).
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc

USER app
EXPOSE 8000
# Requests are logged by the application (zhouqu.request), not by gunicorn's access log.
CMD ["gunicorn", "zhouqu_jiazheng.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
