# Sourced by the scripts: find uv, installing it with pip on a machine that has none.
if command -v uv >/dev/null 2>&1; then
  uv() { command uv "$@"; }
else
  if ! python3 -m uv --version >/dev/null 2>&1; then
    echo "installing uv (the project's package manager) with pip..." >&2
    python3 -m pip install --quiet --disable-pip-version-check uv
  fi
  uv() { python3 -m uv "$@"; }
fi
