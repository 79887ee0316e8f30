#!/usr/bin/env bash
# The main job: set up what is missing, install taskmill, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PYTHON=${PYTHON:-python3}
cd examples && exec "$PYTHON" demo.py
