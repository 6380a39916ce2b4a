#!/usr/bin/env bash
# The browser tests (HTML report, web app) drive Debian's chromium through Playwright, which
# cannot download its own browser here. Install it when it is missing (needs root / apt).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "note: /usr/bin/chromium is missing and apt-get is unavailable; browser tests will be skipped" >&2
    fi
fi
