FROM python:3.11-slim-bookworm

# OpenCV/MediaPipe need libGL and GLib; WeasyPrint needs Pango and fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz0b libffi8 fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=true
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --system --home /app stridewell && mkdir -p /app/var /data/media \
 && chown -R stridewell /app/var /data/media
USER stridewell
EXPOSE 8000
CMD ["gunicorn", "clinic.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
