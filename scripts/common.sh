# Shared by scripts/demo and scripts/test: a Python virtual environment with idms in it, on
# this machine or a bare Debian one (where python3 itself may be missing).
# shellcheck shell=bash

PYTHON=${PYTHON:-python3}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

say() { printf '== %s\n' "$*"; }

apt_updated=""
apt_install() {
  say "installing $* from Debian's packages"
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# python_env EXTRA: .venv with idms installed (EXTRA: "" or "[dev]").
python_env() {
  if ! command -v "$PYTHON" >/dev/null; then
    apt_install python3 python3-venv python3-pip
  fi
  if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    echo "idms needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
    exit 2
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install python3-venv python3-pip
  fi
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    "$PYTHON" -m venv .venv
  fi
  say "installing idms${1:-}"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${1:-}"
}
