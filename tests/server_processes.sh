# Shared by the shell tests that start servers (source it): a scratch folder
# $work, servers started in the background and stopped on exit, and the
# ports their serving lines name.

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME PATTERN COMMAND...: runs COMMAND in the background, its stderr
# in $work/NAME.log, and waits (up to 60 s) for a line matching PATTERN;
# exits the test with the log if the server ends or never prints it.
start() {
  local name=$1 pattern=$2
  shift 2
  "$@" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 600); do
    if grep -q "$pattern" "$work/$name.log"; then return 0; fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "$(basename "$0"): $name did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

# port_of NAME WHAT: the port after "WHAT on port " in NAME's serving line
# ("HTTP", "metrics"); WHAT "" is the line's first, the gRPC port.
port_of() {
  grep -o "$2 *on port [0-9]*" "$work/$1.log" | head -n1 | grep -o '[0-9]*$'
}
