#!/usr/bin/env bash
# The container test: builds the two images (the Dockerfile's targets
# orchestrator and model-services) with podman, checks the orchestrator's
# holds no LibTorch and is at most 150 MB, runs the three services as
# containers on one podman network the way the Kubernetes manifests do (one
# binary per container, each from its role's image, --listen=0.0.0.0:PORT,
# the orchestrator reaching the backends by name, read-only root filesystem,
# no capabilities, uid 10001), solves puzzles through the orchestrator's
# published port with the host's `arts` CLI and with the orchestrator
# image's own, checks every answer's arithmetic, stops the containers with
# SIGTERM and checks each drained and exited 0, then removes its containers
# and network (the images stay). Prints each image's size and what makes it
# up.
#
# Slow (the first model-services build compiles the project inside its
# build stage, ~25-30 minutes on 2 cores; the orchestrator's, without
# LibTorch, ~5; later runs reuse podman's layer cache), so not part of
# scripts/test.sh by default. Run it with
#   bash scripts/container_test.sh
# or ARTS_CONTAINER_TEST=1 bash scripts/test.sh. Needs root (rootful podman).
#
# Environment:
#   ARTS_ORCHESTRATOR_IMAGE     the orchestrator image to build and test
#                               (localhost/arts-orchestrator:latest)
#   ARTS_MODEL_SERVICES_IMAGE   the model-services image to build and test
#                               (localhost/arts-model-services:latest)
#   ARTS_PULL_BASE_IMAGES=1     let podman pull debian:bookworm{,-slim} from
#                               Docker Hub instead of scripts/make_base_images.sh
#   ARTS_CONTAINER_SKIP_BUILD=1 test the existing images, do not build
#   ARTS_BUILD_JOBS             compile jobs in the build stage (2)
#   ARTS_CONTAINER_TEST_PORT    host port published to the orchestrator's gRPC (15050)
#   ARTS_CONTAINER_METRICS_PORT host port published to its /metrics (19090)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "container_test: run as root (rootful podman)" >&2
  exit 1
fi

orch_image=${ARTS_ORCHESTRATOR_IMAGE:-localhost/arts-orchestrator:latest}
model_image=${ARTS_MODEL_SERVICES_IMAGE:-localhost/arts-model-services:latest}
# The orchestrator image's ceiling (docs/deploy.md, "Container images").
max_orch_mb=150
prefix=arts-ctest
net=$prefix
grpc_port=${ARTS_CONTAINER_TEST_PORT:-15050}
metrics_port=${ARTS_CONTAINER_METRICS_PORT:-19090}
names=("$prefix-generator" "$prefix-verifier" "$prefix-orchestrator")
# Above the servers' --drain_timeout (10s): podman sends SIGKILL after it.
stop_timeout=30

log() { echo "== container_test: $*"; }
fail() {
  echo "container_test: FAILED: $*" >&2
  exit 1
}
dump_logs() {
  for name in "${names[@]}"; do
    if podman container exists "$name"; then
      echo "---- podman logs $name" >&2
      podman logs "$name" >&2 || true
    fi
  done
}
cleanup() {
  for name in "${names[@]}"; do podman rm -f -t 0 "$name" >/dev/null 2>&1 || true; done
  podman network rm -f "$net" >/dev/null 2>&1 || true
}
work=
on_exit() {
  local status=$?
  if [ -n "$work" ]; then rm -rf "$work"; fi
  if [ $status -ne 0 ]; then
    dump_logs
    echo "container_test: FAILED (exit $status); see the output above" >&2
  fi
  cleanup
  exit $status
}
trap 'echo "container_test: command failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap on_exit EXIT

bash scripts/setup_container.sh
# shellcheck source=scripts/podman_env.sh
source scripts/podman_env.sh

# ----------------------------------------------------------- the images ----
# Dockerfile target of each image.
declare -A target=([$orch_image]=orchestrator [$model_image]=model-services)
if [ "${ARTS_CONTAINER_SKIP_BUILD:-0}" = 1 ]; then
  for image in "$orch_image" "$model_image"; do
    podman image exists "$image" || fail "ARTS_CONTAINER_SKIP_BUILD=1 but $image does not exist"
  done
  log "using the existing $orch_image and $model_image"
else
  if [ "${ARTS_PULL_BASE_IMAGES:-0}" != 1 ]; then
    bash scripts/make_base_images.sh
  fi
  revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then revision="$revision-dirty"; fi
  for image in "$orch_image" "$model_image"; do
    log "podman build --target ${target[$image]} -t $image . (revision $revision)"
    start=$(date +%s)
    # --label as well as the build argument: buildah reuses the shared
    # runtime stage's cached LABEL layer when only REVISION changed (seen
    # with podman 4.3), and a label given here is set on the image itself.
    podman build --target "${target[$image]}" \
      --build-arg BUILD_JOBS="${ARTS_BUILD_JOBS:-2}" \
      --build-arg REVISION="$revision" \
      --label org.opencontainers.image.revision="$revision" -t "$image" .
    log "$image built in $(($(date +%s) - start)) s"
  done
fi

# The host's CLI (scripts/build.sh builds it; only that target if missing).
cli=build/client/arts
if [ ! -x "$cli" ]; then
  log "building the host's arts CLI"
  bash scripts/setup.sh
  cmake --preset default >/dev/null
  cmake --build --preset default --target arts
fi

# What the manifests rely on: uid 10001 and the binaries on PATH in both;
# the models where ARTS_MODELS_DIR says in the model-services image; no
# LibTorch in the orchestrator's, neither linked nor installed.
check_image() {  # image, binaries...
  local image=$1 user
  shift
  user=$(podman image inspect -f '{{.Config.User}}' "$image")
  [ "$user" = 10001:10001 ] || fail "$image runs as '$user', not 10001:10001"
  podman run --rm --network none "$image" sh -c '
    set -e
    test "$(id -u)" = 10001
    for b in "$@"; do
      test "$(command -v $b)" = /usr/local/bin/$b
      if ldd /usr/local/bin/$b | grep "not found"; then exit 1; fi
    done' check "$@" || fail "$image: user or binaries ($*) are not as expected"
}
check_image "$model_image" arts-generator arts-verifier arts-orchestrator-local arts
podman run --rm --network none "$model_image" sh -c '
  set -e
  test "$ARTS_MODELS_DIR" = /usr/local/share/arts/models
  for f in generator.ckpt verifier_flow.ckpt verifier_discriminative.ckpt; do
    test -s "$ARTS_MODELS_DIR/$f"
  done' || fail "$model_image: ARTS_MODELS_DIR or the models are not as expected"
check_image "$orch_image" arts-orchestrator arts
podman run --rm --network none "$orch_image" sh -c '
  for b in arts-orchestrator arts; do
    if ldd /usr/local/bin/$b | grep -E "lib(torch|c10)"; then echo "$b links LibTorch"; exit 1; fi
  done
  if dpkg-query -W -f "\${Package}\n" | grep -E "^libtorch"; then echo "LibTorch is installed"; exit 1; fi
  if ls /usr/local/share/arts/models 2>/dev/null; then echo "models in the orchestrator image"; exit 1; fi
  exit 0' || fail "$orch_image holds LibTorch or the models"
orch_mb=$(($(podman image inspect -f '{{.Size}}' "$orch_image") / 1000000))
log "$orch_image: $orch_mb MB (ceiling $max_orch_mb MB), no LibTorch"
[ "$orch_mb" -le "$max_orch_mb" ] || fail "$orch_image is $orch_mb MB, over $max_orch_mb MB"

# ------------------------------------------------------ the three services ----
cleanup  # containers or a network left by an interrupted run
podman network create "$net" >/dev/null
# As in Kubernetes' restricted profile: non-root (the image's uid 10001),
# read-only root filesystem, no capabilities, no privilege escalation.
run_flags=(--detach --network "$net" --read-only --cap-drop ALL
  --security-opt no-new-privileges)
log "starting $prefix-{generator,verifier,orchestrator} on network $net"
podman run "${run_flags[@]}" --name "$prefix-generator" "$model_image" \
  arts-generator --listen=0.0.0.0:50051 --metrics_listen=0.0.0.0:9091 \
  --health_listen=0.0.0.0:50061 >/dev/null
podman run "${run_flags[@]}" --name "$prefix-verifier" "$model_image" \
  arts-verifier --listen=0.0.0.0:50052 --metrics_listen=0.0.0.0:9092 \
  --health_listen=0.0.0.0:50062 >/dev/null
podman run "${run_flags[@]}" --name "$prefix-orchestrator" \
  --publish "127.0.0.1:$grpc_port:50050" --publish "127.0.0.1:$metrics_port:9090" \
  "$orch_image" \
  arts-orchestrator --listen=0.0.0.0:50050 --metrics_listen=0.0.0.0:9090 \
  --health_listen=0.0.0.0:50060 \
  --generator="dns:///$prefix-generator:50051" \
  --verifier="dns:///$prefix-verifier:50052" >/dev/null
podman ps --filter "name=$prefix-" --format '{{.Names}}\t{{.Status}}\t{{.Ports}}'

# ------------------------------------------------------------- solving ----
# Every answer must be legal arithmetic: each step uses numbers that are
# left, computes right, lists what is left, and the last step leaves exactly
# the answer's value. An answer equal to the target solves the puzzle. Every
# puzzle must come back verified, with answers or with "no answer" (a
# search whose budget ends before any trace passes the check says so: the
# bundled models are small), and at least one must be solved.
check_answers() {  # file with `arts solve` output
  python3 - "$1" <<'EOF'
import re, sys
from fractions import Fraction

def check(problem, value, steps):
    numbers, _ = problem.split("->")
    left = sorted(Fraction(t) for t in numbers.split())
    for step in steps:
        m = re.fullmatch(r"(\S+) ([-+*/]) (\S+) = (\S+) \(left: ([^)]*)\)", step.strip())
        if not m:
            return f"unparsable step {step!r}"
        a, op, b, result = Fraction(m[1]), m[2], Fraction(m[3]), Fraction(m[4])
        for operand in (a, b):
            if operand not in left:
                return f"{step!r}: {operand} is not among {[str(x) for x in left]}"
            left.remove(operand)
        if op == "/" and b == 0:
            return f"{step!r}: division by zero"
        exact = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[op]
        if exact != result:
            return f"{step!r}: {a} {op} {b} is {exact}"
        left = sorted(left + [result])
        if left != sorted(Fraction(t) for t in m[5].split()):
            return f"{step!r}: left should be {' '.join(str(x) for x in left)}"
    if left != [Fraction(value)]:
        return f"ends with {[str(x) for x in left]}, not the answer {value}"
    return None

answers, solved, errors, current = {}, set(), [], None
unanswered = set()
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if "->" in line and not line.startswith(" "):
        current = line.replace("[UNVERIFIED]", "").strip()
        answers[current] = 0
        if "[UNVERIFIED]" in line:
            errors.append(f"{current}: unverified (the verifier was not used)")
    elif line == "  no answer" and current is not None:
        unanswered.add(current)
    elif line.startswith("  answer "):
        # The task's check, "[passes check]" or "[FAILS ...]", precedes the steps.
        m = re.match(r"  answer (\S+)\s+score\s+(\S+)  (?:\[[^]]*\]  )?(.*)$", line)
        if not m or current is None:
            errors.append(f"unparsable answer line {line!r}")
            continue
        answers[current] += 1
        why = check(current, m[1], m[3].split(" | "))
        if why:
            errors.append(f"{current}: {why}")
        elif Fraction(m[1]) == Fraction(current.split("->")[1]):
            solved.add(current)
errors += [f"{p}: neither answers nor 'no answer'" for p, n in answers.items()
           if n == 0 and p not in unanswered]
if not answers:
    errors.append("no puzzles in the output")
elif not solved:
    errors.append("no puzzle solved")
for e in errors:
    print("  INVALID:", e)
print(f"  checked {sum(answers.values())} answers to {len(answers)} puzzles: "
      + ("all legal" if not errors else f"{len(errors)} errors")
      + f"; solved {len(solved)}/{len(answers)}, no answer {len(unanswered)}")
sys.exit(1 if errors else 0)
EOF
}

work=$(mktemp -d)
puzzles="4 9 10 13 -> 24,1 1 4 6 -> 24,3 3 8 8 -> 24,4 5 6 10 -> 24,1 2 4 7 -> 24"

log "host CLI -> published port 127.0.0.1:$grpc_port: arts solve --strategy arts --top_n 2"
# --wait_for_ready: the containers load their models first.
"$cli" solve --orchestrator="127.0.0.1:$grpc_port" --wait_for_ready --timeout=120s \
  --strategy arts --top_n 2 --seed 1 --problem "$puzzles" | tee "$work/solve_host.txt"
check_answers "$work/solve_host.txt"

log "the orchestrator image's CLI on network $net -> dns:///$prefix-orchestrator:50050: best_of_n"
podman run --rm --network "$net" --read-only --cap-drop ALL \
  --security-opt no-new-privileges "$orch_image" \
  arts solve --orchestrator="dns:///$prefix-orchestrator:50050" --timeout=120s \
  --strategy best_of_n --samples 16 --seed 1 \
  --problem "4 9 10 13 -> 24,1 1 4 6 -> 24" | tee "$work/solve_image.txt"
check_answers "$work/solve_image.txt"

log "metrics on the published port 127.0.0.1:$metrics_port/metrics"
python3 - "$metrics_port" <<'EOF'
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode()
lines = [l for l in text.splitlines() if l.startswith("arts_orchestrator_solve_seconds_count")]
print("  " + ("\n  ".join(lines) if lines else "(no arts_orchestrator_solve_seconds_count)"))
if not lines or all(float(l.split()[-1]) == 0 for l in lines):
    sys.exit("metrics: no Solve counted")
EOF

# --------------------------------------------------------- SIGTERM drain ----
log "podman stop -t $stop_timeout (SIGTERM, then SIGKILL after ${stop_timeout}s)"
for name in "$prefix-orchestrator" "$prefix-generator" "$prefix-verifier"; do
  start=$(date +%s%N)
  podman stop -t "$stop_timeout" "$name" >/dev/null
  took=$((($(date +%s%N) - start) / 1000000))
  code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
  podman logs "$name" >"$work/$name.log" 2>&1
  echo "  $name: exit code $code, stopped in $took ms; log:"
  sed 's/^/    /' "$work/$name.log"
  [ "$code" = 0 ] || fail "$name exited $code (expected 0 after SIGTERM)"
  # "<program>: SIGTERM, draining" and then "<program>: stopped".
  awk '/: SIGTERM, draining$/ {d = NR} /: stopped$/ {if (d) s = NR}
       END {exit !(d && s > d)}' "$work/$name.log" ||
    fail "$name: its log lacks 'SIGTERM, draining' followed by 'stopped'"
done

# ---------------------------------------------------------- what they are ----
describe_image() {  # image
  local image=$1 size
  log "image $image"
  podman image inspect -f '  size: {{.Size}} bytes; created {{.Created}}; user {{.Config.User}}' "$image"
  size=$(podman image inspect -f '{{.Size}}' "$image")
  echo "  size: $((size / 1000000)) MB"
  podman image inspect -f '{{range $k, $v := .Labels}}  label {{$k}}={{$v}}{{"\n"}}{{end}}' "$image" |
    grep opencontainers || true
  echo "  layers (podman history):"
  podman history --format '{{.Size}}\t{{.CreatedBy}}' "$image" |
    awk -F'\t' '$1 != "0B" {printf "    %10s  %s\n", $1, substr($2, 1, 110)}'
  echo "  installed Debian packages by group (dpkg Installed-Size, MB):"
  podman run --rm --network none "$image" sh -c '
    dpkg-query -W -f "\${Installed-Size}\t\${Package}\t\${Priority}\n" |
    awk -F"\t" "
      function group(p, priority) {
        if (priority == \"required\" || priority == \"important\") return \"Debian base (minbase: priority required/important)\";
        if (p ~ /^libtorch/) return \"libtorch (libtorch, libtorch_cpu, libc10)\";
        if (p ~ /^libopencv/) return \"OpenCV (libtorch dependency)\";
        if (p ~ /^lib(av|sw|postproc)|^lib(x26|vpx|aom|dav1d|svtav1|rav1e|codec2|zvbi|mp3lame|shine|twolame|opus|vorbis|theora|speex|gsm|openmpt|gme|bluray|chromaprint|rist|srt|xvid|soxr|ogg|mfx|va|vdpau)/) return \"FFmpeg and codecs (via OpenCV/libtorch)\";
        if (p ~ /^libqt5|^libicu|^libmd4c|^libdouble-conversion|^libpcre2-16/) return \"Qt5 and ICU (via OpenCV highgui)\";
        if (p ~ /^lib(gdal|geos|proj|spatialite|hdf|netcdf|kml|poppler|xerces|mariadb|pq|ogdi|freexl|fyba|cfitsio|armadillo|arpack|superlu|qhull|rttopo|geotiff|odbc|heif|de265|openexr|imath|gdcm|charls|jxl|hwy|sz|aec|hdf4|blosc|openjp2|exif|dc1394|raw1394|gphoto|gstreamer|orc|usb|gdcm|rsvg|tesseract|lept|webp|tiff|png|jpeg|jbig|lerc|deflate|lcms|gif|archive|socket)|^gdal-data|^shared-mime-info/) return \"GDAL, HDF5, image/PDF/SVG formats, OCR (via OpenCV)\";
        if (p ~ /^libdnnl|^libopenblas|^libgfortran|^libquadmath|^libxnnpack|^libonnx|^libsleef|^libgloo|^libtensorpipe|^libgomp|^libtbb|^libpthreadpool|^libcpuinfo/) return \"math: oneDNN, OpenBLAS, XNNPACK, ONNX, ...\";
        if (p ~ /^libgrpc|^libprotobuf|^libabsl|^libprometheus|^libre2|^libc-ares/) return \"gRPC, protobuf, Abseil, prometheus-cpp\";
        if (p ~ /^lib(x11|xcb|xext|xrender|xfixes|xau|xdmcp|xi6|xrandr|xcursor|xinerama|xkbcommon|xshmfence|xxf86vm|xdamage|gl1|gl-|glx|glvnd|opengl|egl|gbm|cairo|pango|harfbuzz|freetype|fontconfig|drm|pixman|gdk-pixbuf|rsvg|thai|datrie|graphite|fribidi|wayland|epoxy|sm6|ice6)|^fonts|^x11|^mesa/) return \"X11, GL, fonts, cairo (via Qt/OpenCV)\";
        return \"other libraries (GLib, NSS, OpenSSL, Kerberos, ...)\";
      }
      { sum[group(\$2, \$3)] += \$1; total += \$1 }
      END { for (g in sum) printf \"%8.1f  %s\n\", sum[g] / 1024, g;
            printf \"%8.1f  total (%d packages)\n\", total / 1024, NR }" | sort -rn'
  echo "  largest directories and files:"
  podman run --rm --network none "$image" sh -c '
    du -x -m -d 1 /usr /usr/lib /usr/share /usr/local 2>/dev/null | sort -rn | head -8
    echo "    --"
    du -m /usr/lib/x86_64-linux-gnu/* /usr/local/bin/* /usr/local/share/arts/models/* 2>/dev/null |
      sort -rn | head -12' | sed 's/^/    /'
}
describe_image "$orch_image"
describe_image "$model_image"

log "PASSED"
