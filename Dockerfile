# Zan Watch: one image for every role (web, scheduler, worker); the command picks the role.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 zanwatch
WORKDIR /app
COPY pyproject.toml README.md config.toml ./
COPY tracker ./tracker
COPY scrapers ./scrapers
COPY storage ./storage
RUN pip install .

USER zanwatch
# Point ZANWATCH_DB at PostgreSQL (postgresql+psycopg://…) to run scheduler and workers apart.
ENV ZANWATCH_CONFIG=/app/config.toml
ENTRYPOINT ["zanwatch"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
