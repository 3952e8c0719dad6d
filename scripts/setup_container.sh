#!/usr/bin/env bash
# Installs the Debian 12 packages that build and run the ARTS serving
# container image with podman (rootful), and debootstrap for
# scripts/make_base_images.sh. Idempotent like scripts/setup.sh: installs
# only what is missing, runs apt-get update at most once.
#
#   podman, buildah     build and run images (podman build uses buildah's
#                       library; the buildah CLI is handy for inspection)
#   runc, crun          OCI runtimes; deploy/podman/containers.conf picks runc
#                       (crun 1.8 cannot run on hybrid cgroup v1+v2 hosts)
#   conmon              container monitor (a dependency of podman)
#   catatonit           init of pods' infra containers: podman builds its
#                       pause image around it (`podman kube play`,
#                       scripts/k8s_podman_play.sh); only a Recommends of
#                       podman, so --no-install-recommends skips it
#   netavark,           podman 4's network stack: bridge networks with
#   aardvark-dns,       DNS between containers by name (the orchestrator
#   iptables            reaches `arts-generator:50051`) and published ports
#   uidmap, slirp4netns,  rootless podman (newuidmap, user-mode networking,
#   fuse-overlayfs        overlay without kernel support); unused as root,
#                         installed so the same script serves non-root users
#   debootstrap,        scripts/make_base_images.sh: debian:bookworm and
#   debian-archive-keyring  debian:bookworm-slim from Debian's mirror
#
# Configuration: nothing in /etc is edited. scripts/podman_env.sh points
# podman at the repo's deploy/podman/containers.conf through CONTAINERS_CONF;
# see the comments there for what a sandbox needed and why. Storage needs no
# configuration: root podman's default, the kernel's overlay on
# /var/lib/containers/storage, works (ext4 here).
set -euo pipefail

packages=(
  podman buildah crun runc conmon catatonit
  netavark aardvark-dns iptables
  uidmap slirp4netns fuse-overlayfs
  debootstrap debian-archive-keyring
)

bash "$(dirname "$0")/install_debian_packages.sh" setup_container "${packages[@]}"
