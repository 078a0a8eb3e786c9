#!/usr/bin/env bash
# Installs every Debian package weft needs to build, test and run. Idempotent:
# packages already present are left alone, and apt-get only runs when
# something is missing. Uses sudo when not run as root.
set -euo pipefail

packages=(
  # toolchain and build (clang++ too: weft must build with both)
  g++ clang cmake ninja-build pkg-config ccache
  # tests and benchmarks
  catch2 libbenchmark-dev
  # JSON: expectation files, and the tests that parse weft's JSON output
  nlohmann-json3-dev
  # weft record: symbolizing return addresses and object addresses (libdw)
  libdw-dev
  # the command line of every weft program (header-only CLI11)
  libcli11-dev
  # the viewer: GLFW, Dear ImGui 1.86 (ships the GLFW/OpenGL3 backends), stb
  libglfw3-dev libimgui-dev libstb-dev libgl-dev
  # headless GUI tests: a virtual X server and a software OpenGL driver
  xvfb xauth libgl1-mesa-dri
  # weft-compare's Helgrind column (scripts/compare.sh)
  valgrind
  # the CLI tests validate `weft check --format sarif` against the SARIF 2.1.0
  # JSON schema, offline, with Python's jsonschema (tests/cli/validate_json_schema.py)
  python3-jsonschema
  protobuf-compiler  # the export tests decode `weft export --format perfetto` with protoc
  # the Debian package (cpack -G DEB finds its dependencies with
  # dpkg-shlibdeps) and the install test's checks of the desktop entry and
  # the manual page
  dpkg-dev desktop-file-utils man-db
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
