#!/usr/bin/env bash
# Makes sure the browser the end-to-end tests drive is present: Debian's
# /usr/bin/chromium, driven by playwright-core. It never runs
# `playwright install` (no browser downloads from outside the package manager).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "ensure-chromium: found $CHROMIUM; nothing to do."
  exit 0
fi

echo "ensure-chromium: $CHROMIUM is missing; the browser tests need it."

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: not running as root, so cannot install it." >&2
  echo "ensure-chromium: install it yourself: sudo apt-get install -y chromium" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get is not available; install Chromium at $CHROMIUM by other means." >&2
  exit 1
fi

echo "ensure-chromium: running apt-get update"
if ! apt-get update; then
  echo "ensure-chromium: apt-get update failed (no network to the package mirror?)." >&2
  exit 1
fi

echo "ensure-chromium: running apt-get install -y chromium"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; then
  echo "ensure-chromium: apt-get install chromium failed." >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: chromium was installed but $CHROMIUM is still missing." >&2
  exit 1
fi

echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)."
