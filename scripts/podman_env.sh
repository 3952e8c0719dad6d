# Sourced by the container scripts (make_base_images.sh, container_test.sh):
# points podman and buildah at the repo's configuration,
# deploy/podman/containers.conf, through CONTAINERS_CONF, unless the caller
# set CONTAINERS_CONF already. Nothing in /etc is edited.
#
# Without CAP_SYS_RESOURCE (some sandboxes and CI containers drop it) a
# container cannot start with podman's default rlimits: root podman asks for
# nofile=1048576 and a large nproc, above the hard limits podman itself runs
# with, and the runtime's setrlimit fails ("setrlimit `RLIMIT_NOFILE`:
# Operation not permitted"). There the config used is a copy of the repo's
# with default_ulimits set to the limits we have (nproc at most 32768, the
# hard limit podman lowers itself to); elsewhere the repo's file is used
# as is.
_arts_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${CONTAINERS_CONF:-}" ]; then
  export CONTAINERS_CONF=$_arts_repo/deploy/podman/containers.conf
  _arts_capeff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
  if [ -n "$_arts_capeff" ] && (( ((0x$_arts_capeff >> 24) & 1) == 0 )); then
    _arts_nofile=$(ulimit -Hn)
    _arts_nproc=$(ulimit -Hu)
    if [ "$_arts_nofile" = unlimited ] || [ "$_arts_nofile" -gt 1048576 ]; then _arts_nofile=1048576; fi
    if [ "$_arts_nproc" = unlimited ] || [ "$_arts_nproc" -gt 32768 ]; then _arts_nproc=32768; fi
    _arts_conf_dir=${TMPDIR:-/tmp}/arts-podman-$(id -u)
    mkdir -p "$_arts_conf_dir"
    cp "$CONTAINERS_CONF" "$_arts_conf_dir/containers.conf"
    echo "default_ulimits = [\"nofile=$_arts_nofile:$_arts_nofile\", \"nproc=$_arts_nproc:$_arts_nproc\"]" \
      >>"$_arts_conf_dir/containers.conf"
    export CONTAINERS_CONF=$_arts_conf_dir/containers.conf
    unset _arts_nofile _arts_nproc _arts_conf_dir
  fi
  unset _arts_capeff
fi
unset _arts_repo
