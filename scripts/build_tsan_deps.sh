#!/usr/bin/env bash
# Builds Debian's own abseil and gRPC source packages (the versions the
# release build links: abseil 20220623.1-1+deb12u2, gRPC 1.51.1-3) with
# ThreadSanitizer, so that TSan sees their synchronisation when it judges
# our gRPC reactors (docs/reliability.md, "TSan over the gRPC suites").
#
# The libraries keep Debian's sonames, and the headers are the ones the
# release build compiles against, so the `tsan` build's binaries load them
# in place of Debian's through LD_LIBRARY_PATH alone (the `tsan-grpc` test
# preset sets it). Protobuf stays Debian's: messages cross threads only
# through gRPC's hand-offs, which are now instrumented.
#
# Output: build-tsan-deps/lib (the shared libraries). Sources come from the
# Debian archive (apt-get source, with lists kept under build-tsan-deps, so
# /etc is not touched). Took 37 minutes on 2 cores (2026-12-07).
#
# Usage: scripts/build_tsan_deps.sh [JOBS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
root=$PWD/build-tsan-deps
src=$root/src
mkdir -p "$src" "$root/lib" "$root/apt/lists/partial"

bash scripts/install_debian_packages.sh tsan-deps dpkg-dev cmake ninja-build \
  g++ libc-ares-dev libre2-dev libssl-dev zlib1g-dev libprotobuf-dev libprotoc-dev \
  protobuf-compiler

abseil_version=20220623.1-1+deb12u2
grpc_version=1.51.1-3
if [[ ! -d $src/abseil || ! -d $src/grpc ]]; then
  cat >"$root/apt/sources.list" <<'EOF'
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian-security bookworm-security main
EOF
  apt_opts=(-o "Dir::Etc::SourceList=$root/apt/sources.list"
            -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$root/apt/lists"
            -o Debug::NoLocking=1)
  apt-get "${apt_opts[@]}" update
  # apt-get source unpacks and applies Debian's patches (dpkg-source).
  (cd "$src" && apt-get "${apt_opts[@]}" source \
     "abseil=$abseil_version" "grpc=$grpc_version")
  mv "$src"/abseil-20220623.1 "$src/abseil"
  mv "$src"/grpc-1.51.1 "$src/grpc"
fi

# -g1: line tables for TSan's stacks, at a fraction of -g's build time.
tsan_flags="-fsanitize=thread -fno-omit-frame-pointer -g1"

if [[ ! -f $root/abseil.done ]]; then
  cmake -S "$src/abseil" -B "$root/abseil-build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 \
    -DBUILD_SHARED_LIBS=ON -DBUILD_TESTING=OFF \
    -DCMAKE_CXX_FLAGS="$tsan_flags" \
    -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
    -DCMAKE_INSTALL_PREFIX="$root/abseil-install"
  ninja -C "$root/abseil-build" -j "$jobs" install
  touch "$root/abseil.done"
fi

if [[ ! -f $root/grpc.done ]]; then
  # Debian's configuration (debian/rules), minus the other languages.
  cmake -S "$src/grpc" -B "$root/grpc-build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 \
    -DBUILD_SHARED_LIBS=ON -DgRPC_BUILD_TESTS=OFF \
    -DCMAKE_PREFIX_PATH="$root/abseil-install" \
    -DgRPC_ABSL_PROVIDER=package -DgRPC_CARES_PROVIDER=package \
    -DgRPC_PROTOBUF_PROVIDER=package -DgRPC_RE2_PROVIDER=package \
    -DgRPC_SSL_PROVIDER=package -DgRPC_ZLIB_PROVIDER=package \
    -DgRPC_BACKWARDS_COMPATIBILITY_MODE=OFF \
    -DgRPC_BUILD_GRPC_CSHARP_PLUGIN=OFF -DgRPC_BUILD_GRPC_NODE_PLUGIN=OFF \
    -DgRPC_BUILD_GRPC_OBJECTIVE_C_PLUGIN=OFF \
    -DgRPC_BUILD_GRPC_PHP_PLUGIN=OFF -DgRPC_BUILD_GRPC_PYTHON_PLUGIN=OFF \
    -DgRPC_BUILD_GRPC_RUBY_PLUGIN=OFF \
    -DCMAKE_C_FLAGS="$tsan_flags" -DCMAKE_CXX_FLAGS="$tsan_flags" \
    -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread
  # Only the libraries our binaries load (not grpc_unsecure, which would
  # compile gRPC's core a second time).
  ninja -C "$root/grpc-build" -j "$jobs" grpc grpc++ grpc++_reflection
  touch "$root/grpc.done"
fi

cp -a "$root"/abseil-install/lib/libabsl_*.so.* "$root/lib/"
cp -a "$root"/grpc-build/lib{grpc,grpc++,grpc++_reflection,gpr,upb,address_sorting}.so.* \
  "$root/lib/"
echo "TSan-built abseil and gRPC in $root/lib:"
ls "$root/lib" | wc -l
