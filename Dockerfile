# Concordat: one image for web (gunicorn), Celery worker and Celery beat.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/src static/src
RUN npx sass --quiet --load-path=node_modules --style=compressed --no-source-map \
    static/src/concordat.scss static/build/concordat.css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=false
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fontconfig fonts-liberation libmagic1 poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache -r pyproject.toml
COPY . .
COPY --from=frontend /app/node_modules/govuk-frontend node_modules/govuk-frontend
COPY --from=frontend /app/static/build static/build
RUN DJANGO_SECRET_KEY=build-only AUDIT_HMAC_KEYS=build:build-only-audit-key python manage.py collectstatic --no-input -v 0 \
 && useradd --system --home /app concordat && mkdir -p /app/uploads && chown concordat /app/uploads
USER concordat
EXPOSE 8000
CMD ["gunicorn", "partnership.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
