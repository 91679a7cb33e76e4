FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY nlu nlu
COPY escalation escalation
COPY reports reports
COPY locales locales
COPY tocsin tocsin
COPY staff staff
RUN pip install --no-cache-dir . && useradd --create-home tocsin
USER tocsin
ENV TOCSIN_CACHE_DIR=/home/tocsin/.cache/tocsin
CMD ["tocsin", "run"]
