#!/usr/bin/env bash
# Builds the two base images the Dockerfile starts FROM,
#   docker.io/library/debian:bookworm       (the build stage)
#   docker.io/library/debian:bookworm-slim  (the runtime stage)
# from a Debian mirror with debootstrap, and imports them into podman's
# (root) image store under those names, so that `podman build` needs no
# container registry. Machines that can pull from Docker Hub do not need
# this script: podman pulls the official images on the first build.
#
# Idempotent: an image that already exists is left alone (set
# ARTS_REBUILD_BASE_IMAGES=1 to rebuild both).
#
# Like the official images (built by debuerreotype), both are
# `debootstrap --variant=minbase`, upgraded from bookworm-updates and
# bookworm-security, with apt's lists and caches removed; -slim also drops
# documentation, man pages and locales (dpkg path-exclude, as
# debuerreotype-slimify does), which later apt-get installs respect too.
# The images' apt sources point at the same mirror, so the Dockerfile's
# apt-get installs use it.
#
# Environment:
#   ARTS_DEBIAN_MIRROR           default http://deb.debian.org/debian
#   ARTS_DEBIAN_SECURITY_MIRROR  default <mirror's host>/debian-security
#                                ("none" leaves bookworm-security out)
#   ARTS_REBUILD_BASE_IMAGES=1   rebuild even if the images exist
#
# Needs root (debootstrap, chroot, the root image store); installs its tools
# with scripts/setup_container.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "make_base_images: run as root (debootstrap and the rootful podman store)" >&2
  exit 1
fi

bash scripts/setup_container.sh
# shellcheck source=scripts/podman_env.sh
source scripts/podman_env.sh

suite=bookworm
mirror=${ARTS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mirror=${mirror%/}
security=${ARTS_DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}
full_image=docker.io/library/debian:$suite
slim_image=docker.io/library/debian:$suite-slim

need=()
for image in "$full_image" "$slim_image"; do
  if [ "${ARTS_REBUILD_BASE_IMAGES:-0}" != 1 ] && podman image exists "$image"; then
    echo "make_base_images: $image exists, skipping"
  else
    need+=("$image")
  fi
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi

work=$(mktemp -d /var/tmp/arts-base-images.XXXXXX)
cleanup() {
  # A failed chroot step may leave /proc mounted.
  umount "$work/rootfs/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$work/rootfs

arch=$(dpkg --print-architecture)
echo "make_base_images: debootstrap --variant=minbase $suite ($arch) from $mirror"
debootstrap --variant=minbase --arch="$arch" \
  --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  "$suite" "$rootfs" "$mirror"

# apt sources: the same mirror, deb822 like the official image.
rm -f "$rootfs/etc/apt/sources.list"
{
  echo "Types: deb"
  echo "URIs: $mirror"
  echo "Suites: $suite $suite-updates"
  echo "Components: main"
  echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ "$security" != none ]; then
    echo
    echo "Types: deb"
    echo "URIs: $security"
    echo "Suites: $suite-security"
    echo "Components: main"
    echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  fi
} >"$rootfs/etc/apt/sources.list.d/debian.sources"

# The container conventions of the official images: services never start
# during package installs, apt keeps no downloaded .debs, no translations.
cat >"$rootfs/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
exit 101
EOF
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"

# Security and point-release updates, as the official images carry.
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive sh -c 'apt-get update -qq && apt-get -y -qq upgrade && apt-get clean'
umount "$rootfs/proc"

# What a container runtime provides, or what must not be baked in.
tidy() {  # rootfs
  local r=$1
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/* "$r"/var/cache/ldconfig/aux-cache \
    "$r"/var/log/*.log "$r"/var/log/apt/* "$r"/tmp/* "$r"/var/tmp/* "$r"/root/.bash_history
  rm -rf "${r:?}"/dev/* "${r:?}"/proc/* "${r:?}"/sys/* "${r:?}"/run/*
  mkdir -p "$r/run/lock"
  : >"$r/etc/resolv.conf"
  : >"$r/etc/hostname"
  rm -f "$r/etc/machine-id"
}

import() {  # rootfs image
  local r=$1 image=$2
  echo "make_base_images: importing $image"
  # Through a file, not a pipe: a failed tar must not leave a half image
  # behind (the next run would skip it). Numeric owners keep the files' uids
  # whatever this host's /etc/passwd says.
  tar --numeric-owner --xattrs -C "$r" -cf "$work/rootfs.tar" .
  podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $suite from $mirror (scripts/make_base_images.sh)" \
    "$work/rootfs.tar" "$image" >/dev/null
  rm -f "$work/rootfs.tar"
  podman image ls "$image"
}

tidy "$rootfs"
for image in "${need[@]}"; do
  if [ "$image" = "$full_image" ]; then import "$rootfs" "$image"; fi
done

for image in "${need[@]}"; do
  [ "$image" = "$slim_image" ] || continue
  # -slim: no docs (copyrights stay), man pages, info, locales; the same
  # paths are excluded from every later package install.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# Slim image (scripts/make_base_images.sh): no docs, man pages or locales.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/info/* "$rootfs"/usr/share/groff/* "$rootfs"/usr/share/linda/* \
    "$rootfs"/usr/share/lintian/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/man/*
  import "$rootfs" "$image"
done
