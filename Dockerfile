# ARTS serving: one image for the three services (arts-generator,
# arts-verifier, arts-orchestrator), arts-orchestrator-local (the
# orchestrator over the bundled models in its own process) and the `arts`
# CLI, with the bundled models. Each container runs one binary as its command, e.g.
#
#   podman run localhost/arts-serving:latest \
#     arts-generator --listen=0.0.0.0:50051 --metrics_listen=0.0.0.0:9091
#
# Build (podman or docker):   podman build -t localhost/arts-serving:latest .
# Without a registry, make the base images first: scripts/make_base_images.sh.
# See docs/deploy.md ("Container image").

# ---------------------------------------------------------------- build ----
FROM docker.io/library/debian:bookworm AS build

# scripts/setup.sh's packages, less what only runs tests, formats or demos
# (clang-format, curl, python3-grpcio, python3-protobuf, git). GoogleTest,
# GMock and Google Benchmark stay: the top-level CMakeLists.txt needs them
# to configure, although only the five binaries below are built.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libabsl-dev libtorch-dev \
      prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev \
      libcurl4-openssl-dev nlohmann-json3-dev libre2-dev libsentencepiece-dev \
      libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what the CMake project reads (tests/ too: CMakeLists.txt adds it).
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake/ cmake/
COPY proto/ proto/
COPY core/ core/
COPY backends/ backends/
COPY server/ server/
COPY client/ client/
COPY tests/ tests/

# Parallel compile jobs (the preset says 2; each LibTorch translation unit
# wants ~1 GB of memory).
ARG BUILD_JOBS=2
# The default Game-of-24 data directory of the installed binaries (the data
# is not in the image; mount it there, or pass --data / set ARTS_DATA_DIR).
# Default model paths come from ARTS_MODELS_DIR, set in the runtime stage.
RUN cmake --preset default -DARTS_DATA_DIR=/usr/local/share/arts/data \
 && cmake --build --preset default -j "${BUILD_JOBS}" \
      --target arts-generator arts-verifier arts-orchestrator \
        arts-orchestrator-local arts arts_sentencepiece_shim \
 && mkdir -p /out \
 && cp build/server/arts-generator build/server/arts-verifier \
       build/server/arts-orchestrator build/server/arts-orchestrator-local \
       build/client/arts build/core/libarts_sentencepiece.so /out/ \
 && strip --strip-unneeded /out/*

# -------------------------------------------------------------- runtime ----
FROM docker.io/library/debian:bookworm-slim

# The shared libraries the binaries link (readelf -d NEEDED, owners found
# with dpkg -S): LibTorch (libtorch, libtorch_cpu, libc10), gRPC and its
# reflection library, protobuf, Abseil, prometheus-cpp's core, libcurl and
# RE2 (arts-generator's OpenAI-compatible backend; ca-certificates for its
# https URLs), jemalloc (arts-generator's allocator), and SentencePiece for
# text verifiers, loaded through the shim
# libarts_sentencepiece.so that sits beside the binaries (docs/verifier.md). OpenBLAS
# (pthreads) provides libtorch's libblas.so.3/liblapack.so.3, as on the
# build machines (scripts/setup.sh). Most of the image is libtorch1.13's own
# dependencies (OpenCV, FFmpeg, Qt5, GDAL, ...: Debian's LibTorch links
# them; see docs/deploy.md).
#
# TRIM_UNUSED=1 (the default) then removes ~190 MB of packages that those
# dependencies pull in but no library the binaries load needs (not in the
# ldd closure of the five binaries): Mesa's GL drivers and the LLVM and Z3
# they use, PROJ's and iso-codes' data, X keyboard layouts. They are removed
# with dpkg --force-depends, so apt in a derived image reports them missing
# until `apt-get -f install`; build with --build-arg TRIM_UNUSED=0 to keep
# them.
ARG TRIM_UNUSED=1
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libtorch1.13 libopenblas0-pthread \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 \
      libprometheus-cpp-core1.0 libcurl4 libre2-9 ca-certificates \
      libsentencepiece0 libjemalloc2 \
 && if [ "${TRIM_UNUSED}" = 1 ]; then \
      dpkg --purge --force-depends \
        libgl1-mesa-dri libllvm15 libz3-4 proj-data iso-codes xkb-data; \
    fi \
 && rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log \
 && groupadd --gid 10001 arts \
 && useradd --uid 10001 --gid 10001 --no-log-init --home-dir /home/arts \
      --create-home --shell /usr/sbin/nologin arts

COPY --from=build /out/ /usr/local/bin/
COPY models/generator.ckpt models/verifier_flow.ckpt \
     models/verifier_discriminative.ckpt /usr/local/share/arts/models/
# The binaries' default --model paths are $ARTS_MODELS_DIR/<file>.
ENV ARTS_MODELS_DIR=/usr/local/share/arts/models

# Nothing is written at run time: the root filesystem may be read-only.
USER 10001:10001
WORKDIR /home/arts

# gRPC (orchestrator, generator, verifier), Prometheus /metrics, and the
# plaintext health-only ports (--health_listen). The binaries listen on
# 127.0.0.1 by default: pass --listen=0.0.0.0:PORT etc. in containers.
EXPOSE 50050 50051 50052 9090 9091 9092 50060 50061 50062

ARG VERSION=1.0.0
ARG SOURCE=https://example.com/arts-serving
ARG REVISION=unknown
LABEL org.opencontainers.image.title="arts-serving" \
      org.opencontainers.image.description="ARTS serving: gRPC Generator, Verifier and Orchestrator services for verifier-guided decoding (Game of 24 / Countdown), the arts CLI and the bundled models" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="NOASSERTION" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

CMD ["arts", "--help"]
