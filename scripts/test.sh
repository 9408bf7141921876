#!/usr/bin/env bash
# Install OpenNR with its test dependencies and the Sionna oracle, then run the whole test suite.
# torch is pinned first so that sionna-no-rt does not pull a CUDA build of it.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[test,oracle]"
python -m pytest "$@"
