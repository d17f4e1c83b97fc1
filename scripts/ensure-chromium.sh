#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium, for the report's browser test
# (test/report.e2e.test.ts). playwright-core drives that browser and never downloads one of
# its own, so the only source is the distribution's package (with a font, so that the
# screenshots have readable text). Exits 0 when the browser is there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and there is no apt-get to install it; install the chromium package by hand" >&2
  exit 1
fi

# apt-get needs root; use sudo when there is one and we are not root already.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "ensure-chromium: $CHROMIUM is missing; run this script as root to install Debian's chromium" >&2
    exit 1
  fi
fi

echo "ensure-chromium: installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium fonts-liberation

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: installed the chromium package but $CHROMIUM is still missing" >&2
  exit 1
fi
