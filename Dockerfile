# ARTS serving: two images, one per role, from one Dockerfile with targets.
#
#   --target orchestrator     arts-orchestrator and the `arts` CLI: the
#                             serving path without a model, built and run
#                             without LibTorch (115 MB)
#   --target model-services   arts-generator, arts-verifier,
#                             arts-orchestrator-local (the orchestrator over
#                             the bundled models in its own process), the
#                             `arts` CLI and the bundled models (LibTorch)
#
# Each container runs one binary as its command, e.g.
#
#   podman run localhost/arts-model-services:latest \
#     arts-generator --listen=0.0.0.0:50051 --metrics_listen=0.0.0.0:9091
#
# Build (podman or docker):
#   podman build --target orchestrator -t localhost/arts-orchestrator:latest .
#   podman build --target model-services -t localhost/arts-model-services:latest .
# Without a registry, make the base images first: scripts/make_base_images.sh.
# See docs/deploy.md ("Container images").

# Parallel compile jobs of both builds (the presets say 2; each LibTorch
# translation unit wants ~1 GB of memory).
ARG BUILD_JOBS=2

# ------------------------------------------------------------- sources ----
# Only what the CMake project reads, in one place for both builds. tests/ is
# read by the model build only: the serving-only configuration adds no tests.
FROM scratch AS sources
COPY CMakeLists.txt CMakePresets.json /src/
COPY cmake/ /src/cmake/
COPY proto/ /src/proto/
COPY core/ /src/core/
COPY backends/ /src/backends/
COPY server/ /src/server/
COPY client/ /src/client/
COPY tests/ /src/tests/

# ------------------------------------------------------ build toolchain ----
# What both builds need: the compiler, CMake and Ninja, and the serving
# path's libraries (gRPC, protobuf, Abseil, prometheus-cpp, nlohmann-json).
FROM docker.io/library/debian:bookworm AS build-tools
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libabsl-dev prometheus-cpp-dev nlohmann-json3-dev libboost1.74-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# ------------------------------------------------------- build: serving ----
# The `serving` preset (ARTS_MODELS=OFF) on a machine without LibTorch: the
# proof that the orchestrator and the CLI need none.
FROM build-tools AS build-serving
ARG BUILD_JOBS
COPY --from=sources /src/ /src/
# The default Game-of-24 data directory of the installed binaries (the data
# is not in the image; mount it there, or pass --data / set ARTS_DATA_DIR).
RUN cmake --preset serving -DARTS_DATA_DIR=/usr/local/share/arts/data \
 && cmake --build --preset serving -j "${BUILD_JOBS}" \
 && mkdir -p /out \
 && cp build-serving/server/arts-orchestrator build-serving/client/arts /out/ \
 && strip --strip-unneeded /out/*

# -------------------------------------------------------- build: models ----
# The `default` preset with LibTorch. GoogleTest, GMock and Google Benchmark
# are installed because that configuration adds the tests, although only
# the targets below are built.
FROM build-tools AS build-models
ARG BUILD_JOBS
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libtorch-dev libgtest-dev libgmock-dev libbenchmark-dev \
      libcurl4-openssl-dev libre2-dev libsentencepiece-dev libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*
COPY --from=sources /src/ /src/
RUN cmake --preset default -DARTS_DATA_DIR=/usr/local/share/arts/data \
 && cmake --build --preset default -j "${BUILD_JOBS}" \
      --target arts-generator arts-verifier arts-orchestrator-local arts \
        arts_sentencepiece_shim \
 && mkdir -p /out \
 && cp build/server/arts-generator build/server/arts-verifier \
       build/server/arts-orchestrator-local build/client/arts \
       build/core/libarts_sentencepiece.so /out/ \
 && strip --strip-unneeded /out/*

# -------------------------------------------------------- runtime base ----
# Both images: Debian slim and the unprivileged user the manifests run as.
FROM docker.io/library/debian:bookworm-slim AS runtime
RUN groupadd --gid 10001 arts \
 && useradd --uid 10001 --gid 10001 --no-log-init --home-dir /home/arts \
      --create-home --shell /usr/sbin/nologin arts
WORKDIR /home/arts
ARG VERSION=1.0.0
ARG SOURCE=https://example.com/arts-serving
ARG REVISION=unknown
LABEL org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="NOASSERTION" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

# ------------------------------------------------- image: orchestrator ----
FROM runtime AS orchestrator
# The shared libraries the two binaries link (readelf -d NEEDED, owners
# found with dpkg -S): gRPC and its reflection library (with c-ares, RE2,
# OpenSSL and zlib under it), protobuf, Abseil and prometheus-cpp's core.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 \
      libprometheus-cpp-core1.0 libc-ares2 libre2-9 libssl3 zlib1g \
 && rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log
COPY --from=build-serving /out/ /usr/local/bin/
# Nothing is written at run time: the root filesystem may be read-only.
USER 10001:10001
# gRPC, Prometheus /metrics, the plaintext health-only port
# (--health_listen) and the OpenAI-compatible HTTP API (--http_listen). The
# binaries listen on 127.0.0.1 by default: pass --listen=0.0.0.0:PORT etc.
# in containers.
EXPOSE 50050 9090 50060 8080
LABEL org.opencontainers.image.title="arts-orchestrator" \
      org.opencontainers.image.description="ARTS serving: the gRPC Orchestrator (search over remote Generator and Verifier services) and the arts CLI, without LibTorch"
CMD ["arts", "--help"]

# ----------------------------------------------- image: model services ----
FROM runtime AS model-services
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
# ldd closure of the binaries): Mesa's GL drivers and the LLVM and Z3
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
 && rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log
COPY --from=build-models /out/ /usr/local/bin/
COPY models/generator.ckpt models/verifier_flow.ckpt \
     models/verifier_discriminative.ckpt /usr/local/share/arts/models/
# The binaries' default --model paths are $ARTS_MODELS_DIR/<file>.
ENV ARTS_MODELS_DIR=/usr/local/share/arts/models
# Nothing is written at run time: the root filesystem may be read-only.
USER 10001:10001
# gRPC, Prometheus /metrics and the plaintext health-only ports of the
# Generator and the Verifier (the orchestrator's are in its own image).
EXPOSE 50051 50052 9091 9092 50061 50062
LABEL org.opencontainers.image.title="arts-model-services" \
      org.opencontainers.image.description="ARTS serving: the gRPC Generator and Verifier services over the bundled Game-of-24 models, the in-process orchestrator and the arts CLI (LibTorch)"
CMD ["arts", "--help"]
