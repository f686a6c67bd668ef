# zendesk-monitor: the daemon (`zendesk-monitor run`) in a small image. README "Deployment".
#
#   docker build -t zendesk-monitor .
#   docker run --read-only -p 9853:9853 \
#     -v "$PWD/config.yaml:/etc/zendesk-monitor/config.yaml:ro" \
#     -v "$PWD/tokens:/var/run/secrets/zendesk:ro" \
#     -v zendesk-monitor-state:/var/lib/zendesk-monitor zendesk-monitor
#
# Two stages: the builder turns the source tree into wheels (the project's and its
# dependencies'); the final stage installs those wheels from a bind mount, so neither the source
# tree nor the wheels are in the image. Both stages use the same base, so the wheels fit.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# Only what the wheel is built from (.dockerignore keeps the rest of the tree out of the context).
COPY pyproject.toml README.md ./
COPY monitor ./monitor
# The project's wheel and a wheel of every dependency, resolved from pyproject.toml's ranges.
RUN pip wheel --wheel-dir /wheels . \
    && ls /wheels/zendesk_monitor-*.whl

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="zendesk-monitor" \
      org.opencontainers.image.description="Watches Zendesk integration credentials and exports Prometheus metrics" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
# Installs the wheels only (--no-index: nothing is fetched here); pip compiles the .pyc files
# now, so a read-only root file system costs no start-up time. Then the non-root user (a fixed
# numeric UID and GID, which Kubernetes' runAsNonRoot can verify) and the one writable folder.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels --root-user-action=ignore \
        /wheels/zendesk_monitor-*.whl \
    && groupadd --system --gid 10001 zendesk-monitor \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /var/lib/zendesk-monitor --shell /usr/sbin/nologin zendesk-monitor \
    && mkdir -p /etc/zendesk-monitor /var/lib/zendesk-monitor \
    && chown 10001:10001 /var/lib/zendesk-monitor \
    && chmod 0750 /var/lib/zendesk-monitor
# Nothing is written outside the state volume: no bytecode, no pip cache, logs go to stdout
# unbuffered. `validate` and `check` find the config through ZENDESK_MONITOR_CONFIG.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/var/lib/zendesk-monitor \
    ZENDESK_MONITOR_CONFIG=/etc/zendesk-monitor/config.yaml
# Permission baselines (`--state-dir`); the only place the daemon writes.
VOLUME ["/var/lib/zendesk-monitor"]
USER 10001:10001
WORKDIR /var/lib/zendesk-monitor
# /metrics, /healthz, /readyz, /status (the default --listen 0.0.0.0:9853).
EXPOSE 9853
# No curl in the image: the standard library asks /healthz (a 503 raises, exit 1). No proxy,
# even when HTTPS_PROXY is set for the checks' egress.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as r; r.build_opener(r.ProxyHandler({})).open('http://127.0.0.1:9853/healthz', timeout=4)"]
ENTRYPOINT ["zendesk-monitor", "run"]
# Arguments of `run`; replacing them (docker run IMAGE ARGS..., Kubernetes `args`) replaces all.
CMD ["-c", "/etc/zendesk-monitor/config.yaml", "--state-dir", "/var/lib/zendesk-monitor"]
