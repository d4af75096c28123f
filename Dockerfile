# nianbao: serve a built database read-only with Datasette.  Not built in CI.
#   nianbao build --data data                          # on the host, from the archive
#   docker build -t nianbao .
#   docker run --rm -p 8001:8001 -v "$PWD/data:/data:ro" nianbao
# Versions are pinned: the base image by tag, every Python package by constraints.txt.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml constraints.txt README.md metadata.json scrapy.cfg ./
COPY archive archive
COPY crawler crawler
COPY parsers parsers
COPY nianbao nianbao
# Editable, so that metadata.json and nianbao/data, nianbao/datasette are used from /app as in a checkout.
RUN pip install -c constraints.txt -e . \
    && useradd --system --no-create-home nianbao

USER nianbao
EXPOSE 8001
# /data holds nianbao.db (and archive/ for the archived-page view); it may be mounted read-only,
# then the inspect file is computed at each start instead of being written beside the database.
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8001/-/versions.json', timeout=4)"
CMD ["nianbao", "serve", "--data", "/data", "--host", "0.0.0.0", "--port", "8001"]
