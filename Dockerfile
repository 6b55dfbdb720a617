# Production image: gunicorn (web) and celery (worker) share it.
FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango and fonts; the motions are rendered with the fonts installed here.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --create-home clearance \
 && mkdir -p /data/uploads /data/packets /app/var/staticfiles \
 && DJANGO_SECRET_KEY=build-only DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost \
    python manage.py collectstatic --noinput -v0 \
 && chown -R clearance /data /app/var
USER clearance
EXPOSE 8000
CMD ["gunicorn", "clearance.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
