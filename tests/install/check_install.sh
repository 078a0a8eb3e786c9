#!/usr/bin/env bash
# weft as someone outside this tree gets it (issue 18):
#   1. `cmake --install` into a temporary prefix: every file in its place;
#      the installed weft finds its private programs, records and checks;
#   2. the examples/ projects configure and build against that prefix, with
#      find_package(weft) and with pkg-config, run, and their traces check
#      clean; the manual, the completion and the desktop entry work;
#   3. `cpack -G DEB` makes weft_<version>_amd64.deb: its control fields,
#      dependencies and contents are right, and unpacked into an empty
#      directory (dpkg -x) its weft runs from there.
# Usage: check_install.sh SOURCE_DIR BUILD_DIR VERSION [deb]
set -euo pipefail
src=$1 build=$2 version=$3 what=${4:-install}

work=$(mktemp -d "${TMPDIR:-/tmp}/weft-install-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "check_install: $*" >&2; exit 1; }
has() { [ -e "$1" ] || fail "missing: ${1#$work/}"; }

# Runs weft's commands of an installed tree ($1 = its prefix): the version,
# the catalogue (weft-scenarios from the private directory), a scenario
# recorded and checked, weft record (the preload library from there too).
use_weft() {
  local prefix=$1 weft=$1/bin/weft out
  out=$("$weft" --version) || fail "$weft --version failed"
  grep -qx "weft $version" <<<"$out" || fail "weft --version says: $out"
  grep -q "^trace format [0-9]*\.[0-9]*" <<<"$out" || fail "weft --version names no trace format: $out"
  # (Outputs are read whole, then searched: `weft ... | grep -q` would let
  # weft write into a closed pipe, which it reports as the error it is.)
  out=$("$weft" list) || fail "weft list from $prefix failed"
  grep -q '^abc-turns ' <<<"$out" || fail "weft list from $prefix has no abc-turns"
  (cd "$work" && "$weft" run abc-turns -o "$work/abc.weft" >/dev/null) || fail "weft run abc-turns from $prefix failed"
  "$weft" check "$work/abc.weft" >/dev/null || fail "weft check of abc-turns from $prefix: not clean"
  "$weft" record -o "$work/true.weft" -- /bin/true 2>/dev/null || fail "weft record from $prefix failed"
  "$weft" dump "$work/true.weft" >/dev/null || fail "weft record's trace from $prefix does not load"
}

if [ "$what" = install ]; then
  prefix=$work/prefix
  cmake --install "$build" --prefix "$prefix" >/dev/null
  for f in bin/weft bin/weft-view lib/weft/weft-scenarios lib/weft/libweft_preload.so \
           lib/libweft_tracer.a lib/libweft_format.a include/weft/weft.hpp include/weft/version.hpp \
           include/weft/format/schema.hpp include/weft/format/event_kinds.def \
           lib/cmake/weft/weftConfig.cmake lib/cmake/weft/weftConfigVersion.cmake lib/cmake/weft/weftTargets.cmake \
           lib/pkgconfig/weft.pc share/man/man1/weft.1 share/man/man1/weft-view.1 \
           share/bash-completion/completions/weft share/applications/weft-view.desktop \
           share/mime/packages/weft.xml; do
    has "$prefix/$f"
  done
  use_weft "$prefix"

  # find_package(weft): configure, build, run, check.
  cmake -S "$src/examples/find_package" -B "$work/cmake-example" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_BUILD_TYPE=Release >/dev/null || fail "examples/find_package does not configure"
  cmake --build "$work/cmake-example" >/dev/null || fail "examples/find_package does not build"
  (cd "$work" && WEFT_TRACE="$work/pipeline.weft" "$work/cmake-example/pipeline") | grep -qx "total 5050" ||
    fail "examples/find_package's pipeline did not add up"
  "$prefix/bin/weft" check "$work/pipeline.weft" >/dev/null || fail "the pipeline's trace is not clean"
  out=$("$prefix/bin/weft" stats "$work/pipeline.weft") || fail "weft stats of the pipeline's trace failed"
  grep -q total_lock <<<"$out" || fail "the pipeline's trace has no total_lock"

  # pkg-config: the Makefile as a user runs it, from a copy.
  cp -r "$src/examples/pkg_config" "$work/pc-example"
  PKG_CONFIG_PATH="$prefix/lib/pkgconfig" make -s -C "$work/pc-example" >/dev/null || fail "examples/pkg_config does not build"
  (cd "$work/pc-example" && ./squares) | grep -qx "sum of squares 2870" || fail "examples/pkg_config's squares are wrong"
  "$prefix/bin/weft" check "$work/pc-example/squares.weft" >/dev/null || fail "the squares' trace is not clean"
  PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --modversion weft | grep -qx "$version" || fail "weft.pc's version"

  # The manual: a section for every command `weft --help` lists; it renders.
  for c in $("$prefix/bin/weft" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'); do
    grep -q "^\.SS weft $c\$" "$prefix/share/man/man1/weft.1" || fail "weft.1 has no section for weft $c"
  done
  if command -v man >/dev/null; then
    out=$(MANWIDTH=100 man -l "$prefix/share/man/man1/weft.1" 2>&1) || fail "man cannot render weft.1: $out"
    grep -q -- "--format text|json|sarif" <<<"$out" || fail "weft.1 does not render the check flags"
  fi

  # Completion, through the installed weft.
  complete_words() {
    (
      PATH="$prefix/bin:$PATH"
      source "$prefix/share/bash-completion/completions/weft"
      COMP_WORDS=("$@")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      _weft
      echo "${COMPREPLY[*]}"
    )
  }
  [ "$(complete_words weft ch)" = check ] || fail "completion of 'weft ch': $(complete_words weft ch)"
  [ "$(complete_words weft run abc-t)" = abc-turns ] || fail "completion of 'weft run abc-t'"
  [ "$(complete_words weft check t.weft --format '')" = "text json sarif" ] || fail "completion of check --format"

  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$prefix/share/applications/weft-view.desktop" || fail "the desktop entry is not valid"
  fi
  echo "check_install: install to a prefix, both examples, manual, completion: ok"
  exit 0
fi

# ---- the Debian package --------------------------------------------------
(cd "$build" && cpack -G DEB -B "$work/deb" >/dev/null) || fail "cpack -G DEB failed"
deb=$work/deb/weft_${version}_amd64.deb
has "$deb"
info=$(dpkg-deb -I "$deb")
grep -q "^ Package: weft$" <<<"$info" || fail "the package is not named weft"
grep -q "^ Version: $version$" <<<"$info" || fail "the package's version is not $version"
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
for lib in libc6 libstdc++6 libglfw3 libdw1; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/weft ./usr/bin/weft-view ./usr/lib/weft/weft-scenarios ./usr/lib/weft/libweft_preload.so \
         ./usr/lib/libweft_tracer.a ./usr/include/weft/weft.hpp ./usr/lib/cmake/weft/weftConfig.cmake \
         ./usr/lib/pkgconfig/weft.pc ./usr/share/man/man1/weft.1 ./usr/share/bash-completion/completions/weft \
         ./usr/share/applications/weft-view.desktop ./usr/share/mime/packages/weft.xml; do
  grep -q " $f\$" <<<"$contents" || fail "the package lacks $f"
done
grep -q "/build/\|/tests/" <<<"$contents" && fail "the package holds build or test files"
dpkg -x "$deb" "$work/root"
use_weft "$work/root/usr"
# The viewer from the package draws a trace (off-screen, under Xvfb).
if command -v xvfb-run >/dev/null; then
  xvfb-run -a -f "$work/xauthority" "$work/root/usr/bin/weft" view "$work/abc.weft" --screenshot "$work/abc.png" \
    --size 640x480 >/dev/null 2>"$work/view.err" || fail "weft view --screenshot from the package: $(cat "$work/view.err")"
  [ "$(head -c 4 "$work/abc.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] || fail "the screenshot is not a PNG"
fi
echo "check_install: $(basename "$deb"): Depends: $depends"
