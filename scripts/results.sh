#!/usr/bin/env bash
# Regenerates every committed result from the committed scenarios, then the docs tables that
# quote them. Run after any change to the model, its costs or a scenario (npm run results).
set -euo pipefail
cd "$(dirname "$0")/.."
iovsim() { node bin/iovsim.js "$@"; }

npm run build
iovsim run scenarios/quickstart.yaml --quiet --format csv > /dev/null
iovsim run scenarios/published/*.yaml --out results/published --quiet --format csv > /dev/null
iovsim run scenarios/experiments/*.yaml --out results/experiments --quiet --format csv > /dev/null
iovsim run scenarios/modern/*.yaml --out results/modern --quiet --format csv > /dev/null
iovsim verify --quiet > /dev/null
# The comparison, and which published checks constrain each cost (about 35 comparisons).
iovsim compare scenarios/published/*.yaml --out results --sensitivity > /dev/null
iovsim report results/quickstart.csv --scenario scenarios/quickstart.yaml -o results/quickstart.html > /dev/null
iovsim report results/experiments/vm-count-sweep.csv --scenario scenarios/experiments/vm-count-sweep.yaml -o results/experiments/vm-count-sweep.html > /dev/null
iovsim report results/experiments/rfc2544-zero-loss.csv --scenario scenarios/experiments/rfc2544-zero-loss.yaml -o results/experiments/rfc2544-zero-loss.html > /dev/null
iovsim report results/published.csv -o results/published.html > /dev/null
iovsim report results/modern/paths-25g-rx.csv --scenario scenarios/modern/paths-25g-rx.yaml -o results/modern/paths-25g-rx.html > /dev/null
npm run docs
