#!/usr/bin/env bash
# Create .venv and install akhbar with everything the demo, tests and benchmarks need.
# torch is pinned first to the CPU build (2.13.0) that pip finds on this kind of machine;
# a bare `torch` requirement would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip >/dev/null
if ! python -c "import torch" >/dev/null 2>&1; then
  python -m pip install -q "torch==2.13.0" || python -m pip install -q --index-url https://download.pytorch.org/whl/cpu torch
fi
pins=(-c scripts/constraints.txt)
[ "${AKHBAR_UNPINNED:-0}" = 1 ] && pins=()
python -m pip install -q "${pins[@]}" -e ".[st,test${AKHBAR_EXTRAS:+,$AKHBAR_EXTRAS}]"
