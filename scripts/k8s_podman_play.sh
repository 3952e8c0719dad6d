#!/usr/bin/env bash
# Optional: runs the dev overlay's Deployments under `podman kube play` (no
# cluster needed), checks them as a kubelet would and solves one puzzle
# through the orchestrator, then tears everything down. Checks what the
# offline test (tests/deploy_manifests_test.sh) cannot: that the images start
# with the manifests' command and flag files under their security context
# (uid 10001, read-only root, no capabilities), that the probes' ports and
# service names report SERVING, and that SIGTERM drains and exits 0.
#
# Usage: scripts/k8s_podman_play.sh        (as root, like the container
#        scripts; needs podman and catatonit: scripts/setup_container.sh;
#        kubectl, node and the validator's packages:
#        scripts/setup_k8s_tools.sh; and the images
#        localhost/arts-orchestrator:latest and
#        localhost/arts-model-services:latest built as docs/deploy.md says).
#        Exits 0 with "k8s_podman_play: OK", non-zero on any failure; the
#        pods, their volumes and the network are removed either way.
#        About 25 s once the images exist (2 cores).
#
# What differs from a cluster (written for podman 4.3, Debian 12's):
#  - Only the Deployments and their ConfigMaps are played; the Namespace,
#    Services, PDBs and NetworkPolicies are dropped (podman plays Pods,
#    Deployments, ConfigMaps and PVCs). One pod per Deployment.
#  - No Services, so no cluster DNS: the pods share one podman network, where
#    each pod is known by its pod name (podman 4.3 names a Deployment's pod
#    <deployment>-pod-0). The backends are played first; the orchestrator's
#    --generator/--verifier are then rewritten to dns:///<their pod>:<port>.
#  - containerPorts are dropped: podman 4.3 publishes each on the host's
#    0.0.0.0 (a cluster does not), which would clash with anything there.
#  - Probes: podman cannot run gRPC probes (4.3 ignores them; its own
#    healthchecks need systemd timers). This script does what the kubelet
#    would: it sends grpc.health.v1.Health/Check to each probe's port and
#    service at the pod's IP (plaintext HTTP/2, from node) until SERVING.
#  - preStop hooks, terminationGracePeriodSeconds, topology spread, the
#    service-account settings and Pod Security admission are ignored by
#    podman. The teardown stops each pod (SIGTERM; `-t 35`, the manifests'
#    grace period) and checks the server logged "SIGTERM, draining" then
#    "stopped" and exited 0, without the 5 s preStop sleep.
#  - emptyDir /tmp: podman 4.3 makes one volume named after the volume
#    ("tmp") and shares it between the pods; each pod's is private in
#    Kubernetes.
#  - The solve runs inside the orchestrator's container (its image carries the
#    arts CLI) against 127.0.0.1:50050, the pod's own network namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
# The container helper's podman settings (CONTAINERS_CONF), where present.
if [ -f scripts/podman_env.sh ]; then
  # shellcheck source=scripts/podman_env.sh
  source scripts/podman_env.sh
fi

kubectl=${KUBECTL:-kubectl}
network=arts-k8s-play
# The dev overlay's images.
images=(localhost/arts-orchestrator:latest localhost/arts-model-services:latest)
problem="4 9 10 13 -> 24"
start_s=$SECONDS

log() { echo "k8s_podman_play: $*"; }
fail() { echo "k8s_podman_play: FAIL: $*" >&2; exit 1; }

for tool in podman "$kubectl" node; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/setup_container.sh, scripts/setup_k8s_tools.sh)"
done
[ -d tools/k8s-validate/node_modules/yaml ] ||
  fail "tools/k8s-validate/node_modules lacks yaml (scripts/setup_k8s_tools.sh)"
# podman builds its pods' infra ("pause") image around catatonit; without it
# `kube play` fails with 'finding pause binary: exec: "catatonit"'.
catatonit_found=
for d in ${PATH//:/ } /usr/local/libexec/podman /usr/local/lib/podman /usr/libexec/podman /usr/lib/podman; do
  [ -x "$d/catatonit" ] && catatonit_found=1 && break
done
[ -n "$catatonit_found" ] ||
  fail "podman needs catatonit for pods' infra containers: apt-get install catatonit (scripts/setup_container.sh)"
for image in "${images[@]}"; do
  podman image exists "$image" ||
    fail "build $image first (docs/deploy.md, or scripts/container_test.sh)"
done

work=$(mktemp -d /tmp/k8s_podman_play.XXXXXX)
played=()       # the YAML files played, for `podman kube down`
pods=()         # the pods' names, as podman made them
volumes=()      # the volumes kube play creates: ConfigMaps' (kube down keeps
                # them in 4.3) and emptyDirs' not there before

# shellcheck disable=SC2317  # called by the trap
cleanup() {
  local rc=$? f p v
  trap - EXIT
  log "teardown"
  for ((i = ${#played[@]} - 1; i >= 0; i--)); do
    f=${played[i]}
    # 4.3 logs errors for the shared emptyDir volume ("tmp") while another
    # pod still uses it; it goes with the last one (checked below).
    if podman kube down "$f" >"$work/down.out" 2>&1; then
      grep -i 'error' "$work/down.out" | grep -vE 'Removing volume [^:]+: volume [^ ]+ is being used' >&2 || true
    else
      echo "k8s_podman_play: podman kube down $(basename "$f"):" >&2
      cat "$work/down.out" >&2
    fi
  done
  for p in "${pods[@]}"; do
    podman pod exists "$p" 2>/dev/null && { podman pod rm -f "$p" >/dev/null || true; }
  done
  for v in "${volumes[@]}"; do
    podman volume exists "$v" 2>/dev/null && { podman volume rm -f "$v" >/dev/null || true; }
  done
  podman network exists "$network" 2>/dev/null && { podman network rm -f "$network" >/dev/null || true; }
  local left=()
  for p in "${pods[@]}"; do podman pod exists "$p" 2>/dev/null && left+=("pod $p"); done
  for v in "${volumes[@]}"; do podman volume exists "$v" 2>/dev/null && left+=("volume $v"); done
  podman network exists "$network" 2>/dev/null && left+=("network $network")
  if [ ${#left[@]} -gt 0 ]; then
    echo "k8s_podman_play: teardown left: ${left[*]}" >&2
    [ "$rc" = 0 ] && rc=1
  else
    log "removed pods ${pods[*]:-(none)}, their volumes and network $network"
  fi
  rm -rf "$work"
  if [ "$rc" = 0 ]; then log "OK in $((SECONDS - start_s)) s"; else log "FAILED (exit $rc) in $((SECONDS - start_s)) s" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------ render, rewrite ----
"$kubectl" kustomize deploy/k8s/overlays/dev >"$work/dev.yaml" ||
  fail "$kubectl kustomize deploy/k8s/overlays/dev"
# backends.yaml: every Deployment but the orchestrator, with its ConfigMaps;
# orchestrator.yaml: the orchestrator's, its --generator/--verifier set to
# @arts-generator@/@arts-verifier@ (replaced by pod names below);
# probes.tsv: deployment, container, probe, port, service of each gRPC probe;
# configmaps.txt, emptydirs.txt: the names kube play gives volumes.
NODE_PATH=tools/k8s-validate/node_modules node - "$work/dev.yaml" "$work" <<'JS'
const fs = require("fs");
const YAML = require("yaml");
const [input, dir] = process.argv.slice(2);
const docs = YAML.parseAllDocuments(fs.readFileSync(input, "utf8")).map((d) => d.toJS());
const deployments = docs.filter((o) => o && o.kind === "Deployment");
const configMaps = docs.filter((o) => o && o.kind === "ConfigMap");
const dropped = docs.filter((o) => o && o.kind !== "Deployment" && o.kind !== "ConfigMap");
console.log(`  played: ${deployments.map((o) => "Deployment/" + o.metadata.name).join(" ")}`);
console.log(`  dropped (podman plays no such kind): ${dropped.map((o) => `${o.kind}/${o.metadata.name}`).join(" ")}`);
const probes = [];
const uses = (d) => new Set((d.spec.template.spec.volumes || [])
  .filter((v) => v.configMap).map((v) => v.configMap.name));
for (const d of deployments) {
  for (const c of d.spec.template.spec.containers) {
    for (const kind of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const g = c[kind] && c[kind].grpc;
      if (g) probes.push([d.metadata.name, c.name, kind, g.port, g.service || ""].join("\t"));
    }
    // podman 4.3 publishes every containerPort on the host.
    delete c.ports;
  }
}
const write = (file, objects) =>
  fs.writeFileSync(`${dir}/${file}`, objects.map((o) => YAML.stringify(o)).join("---\n"));
const orch = deployments.filter((d) => d.metadata.name === "arts-orchestrator");
if (orch.length !== 1) throw new Error("no Deployment arts-orchestrator in the overlay");
const orchMaps = configMaps.filter((m) => uses(orch[0]).has(m.metadata.name));
for (const m of orchMaps) {
  for (const [k, v] of Object.entries(m.data || {})) {
    m.data[k] = v
      .replace(/^--generator=dns:\/\/\/[^:\n]*:(\d+)$/m, "--generator=dns:///@arts-generator@:$1")
      .replace(/^--verifier=dns:\/\/\/[^:\n]*:(\d+)$/m, "--verifier=dns:///@arts-verifier@:$1");
    if (!/@arts-generator@/.test(m.data[k]) || !/@arts-verifier@/.test(m.data[k]))
      throw new Error(`${m.metadata.name}/${k}: no --generator=dns:///...:PORT and --verifier=dns:///...:PORT`);
  }
}
write("orchestrator.yaml", [...orchMaps, ...orch]);
write("backends.yaml", [...configMaps.filter((m) => !orchMaps.includes(m)),
  ...deployments.filter((d) => d !== orch[0])]);
fs.writeFileSync(`${dir}/probes.tsv`, probes.join("\n") + "\n");
fs.writeFileSync(`${dir}/configmaps.txt`, configMaps.map((m) => m.metadata.name).join("\n") + "\n");
const emptyDirs = new Set(deployments.flatMap((d) => (d.spec.template.spec.volumes || [])
  .filter((v) => v.emptyDir).map((v) => v.name)));
fs.writeFileSync(`${dir}/emptydirs.txt`, [...emptyDirs].join("\n") + "\n");
JS
mapfile -t volumes <"$work/configmaps.txt"
# 4.3 makes one volume per emptyDir name, shared by the pods; leave alone one
# that was there before.
while read -r v; do
  [ -n "$v" ] && ! podman volume exists "$v" && volumes+=("$v")
done <"$work/emptydirs.txt"

# A kubelet-style gRPC probe: node probe.js HOST PORT SERVICE prints the
# status; exit 0 only for SERVING. grpc.health.v1.Health/Check by hand over
# plaintext HTTP/2 (node's http2), so it needs no gRPC packages.
cat >"$work/probe.js" <<'JS'
const http2 = require("http2");
const [host, port, service] = process.argv.slice(2);
const names = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];
const svc = Buffer.from(service || "");
// HealthCheckRequest { string service = 1; }, in a gRPC frame (uncompressed).
const msg = svc.length ? Buffer.concat([Buffer.from([0x0a, svc.length]), svc]) : Buffer.alloc(0);
const frame = Buffer.alloc(5 + msg.length);
frame.writeUInt32BE(msg.length, 1);
msg.copy(frame, 5);
const done = (text, ok) => { console.log(text); process.exit(ok ? 0 : 1); };
if (svc.length > 127) done("service name too long for this probe", false);
setTimeout(() => done("timeout", false), 2000).unref();
const client = http2.connect(`http://${host}:${port}`);
client.on("error", (e) => done(`error: ${e.message}`, false));
const req = client.request({
  ":method": "POST", ":path": "/grpc.health.v1.Health/Check",
  "content-type": "application/grpc", te: "trailers",
});
let data = Buffer.alloc(0);
let grpcStatus, grpcMessage;
const headers = (h) => {
  if (h["grpc-status"] !== undefined) grpcStatus = h["grpc-status"];
  if (h["grpc-message"] !== undefined) grpcMessage = h["grpc-message"];
};
req.on("response", headers);
req.on("trailers", headers);
req.on("data", (d) => { data = Buffer.concat([data, d]); });
req.on("error", (e) => done(`error: ${e.message}`, false));
req.on("end", () => {
  client.close();
  if (grpcStatus !== "0") return done(`grpc-status ${grpcStatus} ${grpcMessage || ""}`, false);
  // HealthCheckResponse { ServingStatus status = 1; } (absent: UNKNOWN).
  const body = data.subarray(5);
  const status = body.length >= 2 && body[0] === 0x08 ? body[1] : 0;
  done(names[status] || `status ${status}`, status === 1);
});
req.end(frame);
JS

# ------------------------------------------------------------------ play ----
# Leftovers of an earlier run: kube play would reuse a ConfigMap's volume.
for v in "${volumes[@]}"; do
  podman volume exists "$v" && podman volume rm -f "$v" >/dev/null
done
podman network exists "$network" || podman network create "$network" >/dev/null

play() {  # file
  played+=("$1")
  # aardvark-dns (podman's DNS) logs "failed to connect to syslog" where
  # there is no /dev/log; harmless.
  podman kube play --network "$network" --replace "$1" >"$work/play.out" 2>&1 ||
    { cat "$work/play.out" >&2; fail "podman kube play $(basename "$1")"; }
  grep -v 'failed to connect to syslog' "$work/play.out" | grep -iE 'warn|error' | sed 's/^/  /' || true
}
pod_of() {  # deployment -> its pod's name (by the template's label)
  local name
  name=$(podman pod ps --filter "label=app.kubernetes.io/name=$1" --format '{{.Name}}' | head -n1)
  [ -n "$name" ] || fail "no pod for Deployment $1"
  echo "$name"
}

log "podman kube play: the backends (network $network)"
play "$work/backends.yaml"
gen_pod=$(pod_of arts-generator)
ver_pod=$(pod_of arts-verifier)
pods+=("$gen_pod" "$ver_pod")
sed -i "s/@arts-generator@/$gen_pod/; s/@arts-verifier@/$ver_pod/" "$work/orchestrator.yaml"
log "podman kube play: the orchestrator (--generator=dns:///$gen_pod:..., --verifier=dns:///$ver_pod:...)"
play "$work/orchestrator.yaml"
orch_pod=$(pod_of arts-orchestrator)
pods+=("$orch_pod")
podman ps --filter "pod=$gen_pod" --filter "pod=$ver_pod" --filter "pod=$orch_pod" \
  --format '  {{.Names}}\t{{.Status}}' | grep -v -- '-infra' || true

# Pod -> IP on $network (the infra container holds the pod's network).
declare -A ip
for d in arts-generator arts-verifier arts-orchestrator; do
  p=$(pod_of "$d")
  infra=$(podman pod inspect "$p" --format '{{.InfraContainerID}}')
  ip[$d]=$(podman inspect "$infra" --format "{{(index .NetworkSettings.Networks \"$network\").IPAddress}}")
  [ -n "${ip[$d]}" ] || fail "pod $p has no address on $network"
done

# ------------------------------------------------------ security context ----
log "security context as run"
for d in arts-generator arts-verifier arts-orchestrator; do
  c=$(podman ps --filter "pod=$(pod_of "$d")" --format '{{.Names}}' | grep -v -- '-infra$' | head -n1)
  # uid/gid, capabilities, no_new_privs, seccomp, read-only / and writable /tmp.
  report=$(podman exec "$c" sh -c '
    echo "uid=$(id -u) gid=$(id -g)"
    awk "/^CapEff:/ {print \"capeff=\" \$2} /^NoNewPrivs:/ {print \"nonewprivs=\" \$2} /^Seccomp:/ {print \"seccomp=\" \$2}" /proc/self/status
    if touch /.rw 2>/dev/null; then echo rootfs=rw; else echo rootfs=ro; fi
    if touch /tmp/.rw 2>/dev/null; then echo tmp=rw; rm -f /tmp/.rw; else echo tmp=ro; fi' | tr '\n' ' ')
  echo "  $c: $report"
  for want in uid=10001 gid=10001 capeff=0000000000000000 nonewprivs=1 seccomp=2 rootfs=ro tmp=rw; do
    [[ " $report" == *" $want "* ]] || fail "$c: expected $want"
  done
done

# -------------------------------------------------------------- probes ----
# As the kubelet would: every gRPC probe (startup, readiness, liveness) at the
# pod's IP until SERVING; the startup probes allow 90 s, this waits 120.
log "gRPC probes (what the kubelet would send), at each pod's IP"
deadline=$((SECONDS + 120))
while IFS=$'\t' read -r d c kind port service; do
  [ -n "$d" ] || continue
  until status=$(node "$work/probe.js" "${ip[$d]}" "$port" "$service"); do
    if [ $SECONDS -ge $deadline ]; then
      echo "  $d/$c $kind grpc ${ip[$d]}:$port $service: $status" >&2
      podman logs "$(podman ps --filter "pod=$(pod_of "$d")" --format '{{.Names}}' | grep -v -- '-infra$' | head -n1)" >&2 || true
      fail "$d: $kind never SERVING"
    fi
    sleep 1
  done
  echo "  $d/$c $kind: grpc ${ip[$d]}:$port service $service: $status"
done <"$work/probes.tsv"

# --------------------------------------------------------------- solve ----
orch_c=$(podman ps --filter "pod=$orch_pod" --format '{{.Names}}' | grep -v -- '-infra$' | head -n1)
log "solve \"$problem\" with the image's CLI in $orch_c (127.0.0.1:50050)"
if ! podman exec "$orch_c" arts solve --orchestrator=127.0.0.1:50050 --timeout=60s \
     --problem="$problem" >"$work/solve.txt" 2>&1; then
  cat "$work/solve.txt" >&2
  for p in "${pods[@]}"; do
    for c in $(podman ps -a --filter "pod=$p" --format '{{.Names}}' | grep -v -- '-infra$'); do
      echo "--- logs of $c" >&2
      podman logs "$c" >&2 2>&1 || true
    done
  done
  fail "arts solve through the orchestrator"
fi
sed 's/^/  /' "$work/solve.txt"
grep -q '^  answer ' "$work/solve.txt" || fail "the orchestrator returned no answer"
grep -q '\[UNVERIFIED\]' "$work/solve.txt" && fail "the answer is unverified (the verifier was not used)"
# The bundled models are small: a wrong (legal) answer still proves the path.
if grep -qE '^  answer 24 ' "$work/solve.txt"; then log "solved"; else log "answered (not 24: the bundled models are small)"; fi

# --------------------------------------------------------------- drain ----
# What deletion does after preStop: SIGTERM, up to the grace period (35 s).
log "podman pod stop -t 35 (SIGTERM): each server must drain and exit 0"
for p in "$orch_pod" "$gen_pod" "$ver_pod"; do
  podman pod stop -t 35 "$p" >/dev/null
  c=$(podman ps -a --filter "pod=$p" --format '{{.Names}}' | grep -v -- '-infra$' | head -n1)
  code=$(podman inspect "$c" --format '{{.State.ExitCode}}')
  podman logs "$c" >"$work/$c.log" 2>&1
  echo "  $c: exit code $code; $(tail -n2 "$work/$c.log" | tr '\n' ' ')"
  [ "$code" = 0 ] || fail "$c exited $code after SIGTERM"
  awk '/: SIGTERM, draining$/ {d = NR} /: stopped$/ {if (d) s = NR} END {exit !(d && s > d)}' \
    "$work/$c.log" || fail "$c: its log lacks 'SIGTERM, draining' followed by 'stopped'"
done
# cleanup (the EXIT trap) tears down and prints OK.
