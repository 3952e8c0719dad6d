#!/usr/bin/env node
// Cross-checks rendered ARTS manifests (`kubectl kustomize` output) against
// each other, against the servers' flags and against the Dockerfile: the
// mistakes a schema cannot see, because every field is valid on its own.
//
//   node check-consistency.js [--helpfull-dir DIR] [--dockerfile FILE]
//       [--metrics-source DIR] [--adapter FILE.yaml] RENDERED.yaml...
//
//   --helpfull-dir   DIR/<binary>.txt holds `<binary> --helpfull`: every flag
//                    the manifests pass must be one the binary defines
//   --dockerfile     the images' Dockerfile: each target stage's EXPOSEd
//                    ports, title and USER against the containers that run
//                    its image
//   --metrics-source the servers' sources (server/): metric names the HPAs
//                    and the adapter rules use must be ones they export
//   --adapter        rendered deploy/k8s/prometheus-adapter: the rules'
//                    format, and the metrics the HPAs ask for
//
// Prints every mismatch and exits 1 if there is any, 0 otherwise.
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

// What each binary serves: its health service name, and the image (one per
// role, a Dockerfile target titled so) that holds it. The contract of the
// deployment (docs/deploy.md).
const BINARIES = {
  "arts-orchestrator": { service: "arts.v1.Orchestrator", image: "arts-orchestrator" },
  "arts-generator": { service: "arts.v1.Generator", image: "arts-model-services" },
  "arts-verifier": { service: "arts.v1.Verifier", image: "arts-model-services" },
};
const PORT_FLAGS = { listen: "grpc", metrics_listen: "metrics", health_listen: "health",
                     http_listen: "http" };
// Flags every server must be given explicitly in the manifests.
const REQUIRED_FLAGS = ["listen", "metrics_listen", "health_listen", "drain_timeout",
                        "max_connection_age", "max_connection_age_grace"];
// Flags absl's parser itself handles, whatever --helpfull lists.
const ABSL_BUILTIN_FLAGS = ["flagfile", "fromenv", "tryfromenv", "undefok"];
// An image reference naming `name`: any registry, any tag or digest.
function namesImage(reference, name) {
  const m = /^(?:[^/]+\/)*([^/:@]+)(?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/.exec(reference || "");
  return m !== null && m[1] === name;
}
const RUN_AS_USER = 10001;

const errors = [];
const notes = [];
function error(where, message) {
  errors.push(`${where}: ${message}`);
}

// ---------------------------------------------------------------- parsing

function parseArgs(argv) {
  const options = { files: [] };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--helpfull-dir") options.helpfullDir = value();
    else if (a === "--dockerfile") options.dockerfile = value();
    else if (a === "--metrics-source") options.metricsSource = value();
    else if (a === "--adapter") options.adapter = value();
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else options.files.push(a);
  }
  if (!options.files.length) throw new Error("no rendered manifests given");
  return options;
}

function loadObjects(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { uniqueKeys: true });
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj) objects.push(obj);
  }
  return objects;
}

// absl durations: "20s", "1m30s", "2ms", "1.5h"; returns seconds.
function durationSeconds(text) {
  const units = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m.index !== consumed) return NaN;
    total += parseFloat(m[1]) * units[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === text.length && consumed > 0 ? total : (text === "0" ? 0 : NaN);
}

// "0.0.0.0:50051" / "[::]:50051" -> { host, port }.
function hostPort(text) {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text || "");
  return m ? { host: m[1], port: Number(m[2]) } : null;
}

function matches(selector, labels) {
  if (!selector || !labels) return false;
  const ml = selector.matchLabels || {};
  if (Object.keys(ml).length === 0 && !(selector.matchExpressions || []).length) return false;
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

// ------------------------------------------------------- the pods' flags

// The file a path in the container names: from a ConfigMap (its content) or
// from a Secret (content unknown: the Secrets are not shipped).
function resolveFile(filePath, container, podSpec, configMaps, namespace) {
  for (const mount of container.volumeMounts || []) {
    const volume = (podSpec.volumes || []).find((v) => v.name === mount.name);
    if (!volume) continue;
    let key = null;
    if (mount.subPath) {
      if (filePath !== mount.mountPath) continue;
      key = mount.subPath;
    } else {
      const prefix = mount.mountPath.replace(/\/$/, "") + "/";
      if (!filePath.startsWith(prefix)) continue;
      key = filePath.slice(prefix.length);
    }
    const source = volume.configMap || volume.secret;
    if (!source) return { kind: "other", volume: volume.name };
    const items = source.items;
    if (items) {
      const item = items.find((it) => it.path === key);
      if (!item) return { kind: "missing", volume: volume.name, key };
      key = item.key;
    }
    if (volume.secret) return { kind: "secret", volume: volume.name, key, secret: volume.secret.secretName };
    const cm = configMaps.find((c) => c.metadata.name === volume.configMap.name &&
                                      (c.metadata.namespace || "") === namespace);
    if (!cm) return { kind: "missing", volume: volume.name, key, configMap: volume.configMap.name };
    const data = (cm.data || {})[key];
    if (data === undefined) return { kind: "missing", volume: volume.name, key, configMap: cm.metadata.name };
    return { kind: "configMap", volume: volume.name, key, content: data, configMap: cm.metadata.name };
  }
  return null;
}

// The flags a container runs with, in absl's order: args, with each
// --flagfile's lines read where it appears; a later value wins.
function containerFlags(where, container, podSpec, configMaps, namespace) {
  const flags = new Map(); // name -> { value, from }
  const seen = [];         // every flag name passed, for the --helpfull check
  const take = (arg, from) => {
    const m = /^--?([A-Za-z0-9_]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      error(where, `${from}: "${arg}" is not --flag=value (absl reads a flag file's lines as ` +
                   "arguments: no spaces around '=', no positional arguments)");
      return;
    }
    const [, name, value] = m;
    seen.push({ name, from });
    if (name === "flagfile") {
      for (const file of (value || "").split(",")) readFlagfile(file, from);
      return;
    }
    flags.set(name, { value: value === undefined ? "true" : value, from });
  };
  const readFlagfile = (file, from) => {
    const resolved = resolveFile(file, container, podSpec, configMaps, namespace);
    if (!resolved || resolved.kind !== "configMap") {
      error(where, `${from}: --flagfile=${file} is not a key of a ConfigMap mounted in the ` +
                   `container (${resolved ? JSON.stringify(resolved) : "no volumeMount covers it"})`);
      return;
    }
    resolved.content.split("\n").forEach((line, i) => {
      const at = `${file}:${i + 1} (ConfigMap ${resolved.configMap})`;
      if (/[ \t\r]+$/.test(line)) {
        error(where, `${at}: trailing whitespace (absl keeps it in the value)`);
      }
      const stripped = line.replace(/^[ \t]+/, "");
      if (stripped === "" || stripped.startsWith("#")) return;
      take(stripped.replace(/[ \t\r]+$/, ""), at);
    });
  };
  for (const arg of container.args || []) take(arg, "args");
  return { flags, seen };
}

function checkWorkload(ctx, deploy) {
  const ns = deploy.metadata.namespace || "";
  const where = `${ctx.file}: Deployment ${ns}/${deploy.metadata.name}`;
  const pod = deploy.spec.template.spec;
  const result = { deploy, containers: [] };
  const podSec = pod.securityContext || {};
  if (podSec.runAsNonRoot !== true) error(where, "pod securityContext.runAsNonRoot must be true");
  if (podSec.runAsUser !== RUN_AS_USER) error(where, `pod securityContext.runAsUser must be ${RUN_AS_USER} (the image's user)`);
  if (!podSec.seccompProfile || podSec.seccompProfile.type !== "RuntimeDefault") {
    error(where, "pod securityContext.seccompProfile.type must be RuntimeDefault");
  }
  for (const c of [...(pod.initContainers || []), ...(pod.containers || [])]) {
    const cwhere = `${where} container ${c.name}`;
    const sec = c.securityContext || {};
    if (sec.readOnlyRootFilesystem !== true) error(cwhere, "securityContext.readOnlyRootFilesystem must be true");
    if (sec.allowPrivilegeEscalation !== false) error(cwhere, "securityContext.allowPrivilegeEscalation must be false");
    const drop = (sec.capabilities && sec.capabilities.drop) || [];
    if (!drop.includes("ALL")) error(cwhere, "securityContext.capabilities.drop must include ALL");
    for (const r of ["requests", "limits"]) {
      for (const k of ["cpu", "memory"]) {
        if (!c.resources || !c.resources[r] || c.resources[r][k] === undefined) {
          error(cwhere, `resources.${r}.${k} is not set`);
        }
      }
    }
    const binary = path.basename((c.command || [])[0] || "");
    const info = BINARIES[binary];
    if (!info) {
      error(cwhere, `command ${JSON.stringify(c.command)} runs none of ${Object.keys(BINARIES).join(", ")}`);
      continue;
    }
    if (!namesImage(c.image, info.image)) {
      error(cwhere, `image "${c.image}" is not ${info.image} (any registry, any tag), the image that holds ${binary}`);
    }
    const { flags, seen } = containerFlags(cwhere, c, pod, ctx.configMaps, ns);
    const entry = { container: c, binary, flags, where: cwhere, ports: {} };
    result.containers.push(entry);
    for (const p of c.ports || []) entry.ports[p.name] = p.containerPort;

    // Every flag exists in the binary.
    const help = ctx.helpfull[binary];
    if (help) {
      for (const { name, from } of seen) {
        const known = ABSL_BUILTIN_FLAGS.includes(name) || help.has(name) ||
                      (name.startsWith("no") && help.has(name.slice(2)));
        if (!known) error(cwhere, `${from}: --${name} is not a flag of ${binary} (its --helpfull)`);
      }
    }
    for (const name of REQUIRED_FLAGS) {
      if (!flags.has(name)) error(cwhere, `--${name} is not set (the manifests set it explicitly)`);
    }
    // Ports: flags, container ports, probes.
    for (const [flag, portName] of Object.entries(PORT_FLAGS)) {
      if (!flags.has(flag)) continue;
      const hp = hostPort(flags.get(flag).value);
      if (!hp) {
        error(cwhere, `--${flag}=${flags.get(flag).value} is not HOST:PORT`);
        continue;
      }
      if (!["0.0.0.0", "[::]", ""].includes(hp.host)) {
        error(cwhere, `--${flag}=${flags.get(flag).value}: listens on ${hp.host}, unreachable from outside the pod (use 0.0.0.0)`);
      }
      if (entry.ports[portName] === undefined) {
        error(cwhere, `no container port named "${portName}" for --${flag}=${flags.get(flag).value}`);
      } else if (entry.ports[portName] !== hp.port) {
        error(cwhere, `--${flag} port ${hp.port} != container port "${portName}" ${entry.ports[portName]}`);
      }
    }
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const p = c[probe];
      if (!p) {
        error(cwhere, `${probe} is missing`);
        continue;
      }
      if (!p.grpc) {
        error(cwhere, `${probe} is not a grpc probe (grpc.health.v1 on the health port)`);
        continue;
      }
      if (p.grpc.port !== entry.ports.health) {
        error(cwhere, `${probe}.grpc.port ${p.grpc.port} != container port "health" ${entry.ports.health}`);
      }
      if (p.grpc.service !== info.service) {
        error(cwhere, `${probe}.grpc.service "${p.grpc.service}" != "${info.service}"`);
      }
    }
    // Drain: the grace period outlasts preStop's sleep plus --drain_timeout.
    const grace = pod.terminationGracePeriodSeconds === undefined ? 30 : pod.terminationGracePeriodSeconds;
    const preStop = c.lifecycle && c.lifecycle.preStop;
    let sleep = NaN;
    if (preStop && preStop.sleep) sleep = Number(preStop.sleep.seconds);
    if (preStop && preStop.exec) {
      const cmd = preStop.exec.command || [];
      if (/(^|\/)sleep$/.test(cmd[0] || "") && cmd.length === 2) sleep = Number(cmd[1]);
    }
    if (Number.isNaN(sleep)) {
      error(cwhere, "lifecycle.preStop must sleep (exec [/bin/sleep, N] or sleep.seconds) so endpoints go before SIGTERM");
    }
    if (flags.has("drain_timeout")) {
      const drain = durationSeconds(flags.get("drain_timeout").value);
      if (Number.isNaN(drain)) {
        error(cwhere, `--drain_timeout=${flags.get("drain_timeout").value} is not a duration`);
      } else if (!Number.isNaN(sleep) && !(grace > sleep + drain)) {
        error(cwhere, `terminationGracePeriodSeconds ${grace} must exceed preStop sleep ${sleep} s + --drain_timeout ${drain} s`);
      }
    }
    for (const flag of ["max_connection_age", "max_connection_age_grace", "max_queue_delay",
                        "max_queue_wait", "max_solve_wait",
                        "backend_timeout", "backend_wait"]) {
      if (flags.has(flag) && Number.isNaN(durationSeconds(flags.get(flag).value))) {
        error(cwhere, `--${flag}=${flags.get(flag).value} is not a duration`);
      }
    }
    // Files named by flags exist in the pod: flag files are ConfigMap keys,
    // certificates and tokens are in mounted Secrets.
    for (const [name, { value, from }] of flags) {
      if (!/^\/etc\/arts\//.test(value)) continue;
      const resolved = resolveFile(value, c, pod, ctx.configMaps, ns);
      if (!resolved || resolved.kind === "missing") {
        error(cwhere, `${from}: --${name}=${value} is not in any volume mounted in the container`);
      } else if (resolved.kind === "secret" && /^tls_|^backend_tls_/.test(name) &&
                 !["tls.crt", "tls.key", "ca.crt"].includes(resolved.key)) {
        error(cwhere, `${from}: --${name}=${value}: a TLS Secret holds tls.crt, tls.key, ca.crt, not ${resolved.key}`);
      }
    }
  }
  return result;
}

// ------------------------------------------------------------ one render

function checkRender(file, objects, shared) {
  const of = (kind) => objects.filter((o) => o.kind === kind);
  const ctx = { file, configMaps: of("ConfigMap"), helpfull: shared.helpfull };
  const nsOf = (o) => o.metadata.namespace || "";
  const workloads = of("Deployment").map((d) => checkWorkload(ctx, d));
  for (const kind of ["StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet"]) {
    for (const o of of(kind)) error(`${file}: ${kind} ${o.metadata.name}`, "unexpected workload kind (the checks cover Deployments)");
  }
  shared.workloads.push(...workloads.map((w) => ({ file, ...w })));
  const byBinary = (w) => (w.containers[0] || {}).binary;
  const podsOf = (selector, ns) =>
    workloads.filter((w) => nsOf(w.deploy) === ns && matches(selector, w.deploy.spec.template.metadata.labels));

  // One namespace for everything namespaced, and its Namespace object.
  const namespaces = new Set(objects.filter((o) => o.kind !== "Namespace").map(nsOf));
  if (namespaces.size !== 1 || namespaces.has("")) {
    error(file, `objects are spread over namespaces ${JSON.stringify([...namespaces])} (one expected)`);
  }

  // Deployments: selector matches the template.
  for (const w of workloads) {
    const d = w.deploy;
    if (!matches(d.spec.selector, d.spec.template.metadata.labels)) {
      error(`${file}: Deployment ${d.metadata.name}`, "spec.selector does not match the pod template's labels");
    }
  }

  // Services: select one Deployment; ports lead to its container ports;
  // Generator and Verifier headless, the orchestrator not.
  const services = of("Service");
  for (const s of services) {
    const where = `${file}: Service ${nsOf(s)}/${s.metadata.name}`;
    const targets = podsOf({ matchLabels: s.spec.selector }, nsOf(s));
    if (targets.length !== 1) {
      error(where, `selector matches ${targets.length} Deployments (1 expected)`);
      continue;
    }
    const w = targets[0];
    const c = w.containers[0];
    if (!c) continue;
    const headless = s.spec.clusterIP === "None";
    if ((c.binary === "arts-generator" || c.binary === "arts-verifier") && !headless) {
      error(where, `${c.binary} must be behind a headless Service (clusterIP: None): the orchestrator balances over its DNS answers`);
    }
    if (c.binary === "arts-orchestrator" && headless) {
      error(where, "the orchestrator's Service is a ClusterIP Service, not headless");
    }
    for (const p of s.spec.ports || []) {
      const target = p.targetPort === undefined ? p.port : p.targetPort;
      const number = typeof target === "number" ? target : c.ports[target];
      if (number === undefined || !Object.values(c.ports).includes(number)) {
        error(where, `port ${p.name || p.port}: targetPort ${target} is no container port of ${w.deploy.metadata.name}`);
      } else if (headless && p.port !== number) {
        error(where, `port ${p.name || p.port}: a headless Service's clients dial the pod's port: port ${p.port} != targetPort ${number}`);
      }
    }
  }

  // The orchestrator's backend targets name those headless Services.
  for (const w of workloads) {
    for (const c of w.containers) {
      if (c.binary !== "arts-orchestrator") continue;
      for (const [flag, want] of [["generator", "arts-generator"], ["verifier", "arts-verifier"]]) {
        if (!c.flags.has(flag)) {
          error(c.where, `--${flag} is not set`);
          continue;
        }
        const value = c.flags.get(flag).value;
        const m = /^dns:\/\/[^/]*\/([^:/]+):(\d+)$/.exec(value);
        if (!m) {
          error(c.where, `--${flag}=${value}: expected dns:///SERVICE.NAMESPACE.svc.cluster.local:PORT (a headless Service)`);
          continue;
        }
        const [svcName, svcNs = nsOf(w.deploy)] = m[1].replace(/\.svc(\.cluster\.local)?$/, "").split(".");
        const port = Number(m[2]);
        const svc = services.find((s) => s.metadata.name === svcName && nsOf(s) === svcNs);
        if (!svc) {
          error(c.where, `--${flag}=${value}: no Service ${svcNs}/${svcName} in these manifests`);
          continue;
        }
        const backends = podsOf({ matchLabels: svc.spec.selector }, svcNs);
        const backend = backends[0] && backends[0].containers[0];
        if (!backend || backend.binary !== want) {
          error(c.where, `--${flag}=${value}: Service ${svcName} does not select the ${want} pods`);
          continue;
        }
        const listen = backend.flags.has("listen") ? hostPort(backend.flags.get("listen").value) : null;
        if (!listen || listen.port !== port) {
          error(c.where, `--${flag}=${value}: port ${port} != ${want}'s --listen port ${listen && listen.port}`);
        }
        if (!(svc.spec.ports || []).some((p) => p.port === port)) {
          error(c.where, `--${flag}=${value}: Service ${svcName} has no port ${port}`);
        }
      }
    }
  }

  // PodDisruptionBudgets: one per Deployment.
  for (const pdb of of("PodDisruptionBudget")) {
    const n = podsOf(pdb.spec.selector, nsOf(pdb)).length;
    if (n !== 1) error(`${file}: PodDisruptionBudget ${pdb.metadata.name}`, `selector matches ${n} Deployments (1 expected)`);
  }
  for (const w of workloads) {
    const has = of("PodDisruptionBudget").some((p) => nsOf(p) === nsOf(w.deploy) &&
                                                      matches(p.spec.selector, w.deploy.spec.template.metadata.labels));
    if (!has) error(`${file}: Deployment ${w.deploy.metadata.name}`, "no PodDisruptionBudget covers it");
  }

  // HPAs: target a Deployment here, replicas within [min, max], metrics
  // the servers export and the adapter serves.
  for (const hpa of of("HorizontalPodAutoscaler")) {
    const where = `${file}: HorizontalPodAutoscaler ${hpa.metadata.name}`;
    const ref = hpa.spec.scaleTargetRef;
    const w = workloads.find((x) => x.deploy.metadata.name === ref.name && nsOf(x.deploy) === nsOf(hpa));
    if (ref.kind !== "Deployment" || !w) {
      error(where, `scaleTargetRef ${ref.kind}/${ref.name} is not a Deployment in these manifests`);
      continue;
    }
    const min = hpa.spec.minReplicas === undefined ? 1 : hpa.spec.minReplicas;
    const replicas = w.deploy.spec.replicas;
    if (replicas !== undefined && (replicas < min || replicas > hpa.spec.maxReplicas)) {
      error(where, `Deployment replicas ${replicas} outside [${min}, ${hpa.spec.maxReplicas}]: every apply would fight the HPA`);
    }
    for (const metric of hpa.spec.metrics || []) {
      if (metric.type === "Pods") {
        const name = metric.pods.metric.name;
        shared.hpaMetrics.push({ where, name });
        const labels = (metric.pods.metric.selector || {}).matchLabels || {};
        if (name === "arts_queue_depth") {
          const method = { "arts-generator": "Propose", "arts-verifier": "Score" }[byBinary(w)];
          if (labels.method !== method) {
            error(where, `arts_queue_depth of ${byBinary(w)} is method="${method}", the selector says ${JSON.stringify(labels)}`);
          }
        }
      } else if (metric.type === "Resource") {
        for (const c of w.containers) {
          const req = (c.container.resources || {}).requests || {};
          if (req[metric.resource.name] === undefined) {
            error(where, `scales on ${metric.resource.name} utilization, but ${c.where} requests no ${metric.resource.name}`);
          }
        }
      }
    }
  }

  // NetworkPolicies: select Deployments here, open their container ports.
  for (const np of of("NetworkPolicy")) {
    const where = `${file}: NetworkPolicy ${np.metadata.name}`;
    const pods = podsOf(np.spec.podSelector, nsOf(np));
    if (pods.length === 0) {
      error(where, "podSelector matches no Deployment");
      continue;
    }
    for (const rule of np.spec.ingress || []) {
      for (const peer of rule.from || []) {
        if (peer.podSelector && !peer.namespaceSelector && podsOf(peer.podSelector, nsOf(np)).length === 0) {
          error(where, `ingress from podSelector ${JSON.stringify(peer.podSelector)} matches no Deployment`);
        }
      }
      for (const p of rule.ports || []) {
        for (const w of pods) {
          const ports = w.containers.flatMap((c) => Object.entries(c.ports));
          const ok = ports.some(([n, v]) => v === p.port || n === p.port);
          if (!ok) error(where, `port ${p.port} is no container port of ${w.deploy.metadata.name}`);
        }
      }
    }
  }
  // The Generator's and Verifier's gRPC ports admit the orchestrator only.
  for (const w of workloads) {
    const c = w.containers[0];
    if (!c || !["arts-generator", "arts-verifier"].includes(c.binary)) continue;
    const policies = of("NetworkPolicy").filter((np) => matches(np.spec.podSelector, w.deploy.spec.template.metadata.labels));
    if (!policies.length) {
      error(`${file}: Deployment ${w.deploy.metadata.name}`, "no NetworkPolicy guards it");
      continue;
    }
    for (const np of policies) {
      for (const rule of np.spec.ingress || []) {
        const opens = !rule.ports || rule.ports.some((p) => p.port === c.ports.grpc || p.port === "grpc");
        if (!opens) continue;
        const fromOrchestrator = (rule.from || []).length > 0 && rule.from.every((peer) =>
          peer.podSelector && !peer.namespaceSelector && !peer.ipBlock &&
          podsOf(peer.podSelector, nsOf(np)).every((x) => (x.containers[0] || {}).binary === "arts-orchestrator") &&
          podsOf(peer.podSelector, nsOf(np)).length > 0);
        if (!fromOrchestrator) {
          error(`${file}: NetworkPolicy ${np.metadata.name}`, `lets more than the orchestrator's pods reach ${w.deploy.metadata.name}'s gRPC port`);
        }
      }
    }
  }

  // ServiceMonitors: select Services here that have the endpoint's port.
  for (const sm of of("ServiceMonitor")) {
    const where = `${file}: ServiceMonitor ${sm.metadata.name}`;
    const selected = services.filter((s) => nsOf(s) === nsOf(sm) && matches(sm.spec.selector, s.metadata.labels));
    if (!selected.length) error(where, "selects no Service");
    for (const ep of sm.spec.endpoints || []) {
      for (const s of selected) {
        if (!(s.spec.ports || []).some((p) => p.name === ep.port)) {
          error(where, `Service ${s.metadata.name} has no port named "${ep.port}"`);
        }
      }
    }
  }
}

// --------------------------------------------------- adapter, Dockerfile

// The metric names the servers' sources register (prometheus-cpp .Name("...")),
// in `dir` and its subfolders (server/models/).
function exportedMetrics(dir, names = new Set()) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      exportedMetrics(file, names);
      continue;
    }
    if (!/\.(cc|h)$/.test(entry.name)) continue;
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/\.Name\("([a-zA-Z_:][a-zA-Z0-9_:]*)"\)/g)) names.add(m[1]);
  }
  return names;
}

// prometheus-adapter's config format (its pkg/config): the keys it reads.
const ADAPTER_KEYS = {
  top: ["rules", "resourceRules", "externalRules"],
  rule: ["seriesQuery", "seriesFilters", "resources", "name", "metricsQuery"],
  resources: ["overrides", "template", "namespaced"],
  name: ["matches", "as"],
  filter: ["is", "isNot"],
  override: ["group", "resource"],
};

function checkAdapter(file, exported) {
  const served = new Set();
  const objects = loadObjects(file);
  const cms = objects.filter((o) => o.kind === "ConfigMap" && o.data && o.data["config.yaml"] !== undefined);
  if (cms.length !== 1) {
    error(file, `expected one ConfigMap with a config.yaml key, found ${cms.length}`);
    return served;
  }
  const where = `${file}: ConfigMap ${cms[0].metadata.name} config.yaml`;
  let config;
  try {
    config = YAML.parse(cms[0].data["config.yaml"], { uniqueKeys: true });
  } catch (e) {
    error(where, `not YAML: ${e.message}`);
    return served;
  }
  const unknown = (obj, allowed, at) => {
    for (const k of Object.keys(obj || {})) if (!allowed.includes(k)) error(where, `${at}: unknown key "${k}"`);
  };
  unknown(config, ADAPTER_KEYS.top, "top level");
  (config.rules || []).forEach((rule, i) => {
    const at = `rules[${i}]`;
    unknown(rule, ADAPTER_KEYS.rule, at);
    unknown(rule.resources, ADAPTER_KEYS.resources, `${at}.resources`);
    unknown(rule.name, ADAPTER_KEYS.name, `${at}.name`);
    for (const f of rule.seriesFilters || []) unknown(f, ADAPTER_KEYS.filter, `${at}.seriesFilters`);
    for (const [label, o] of Object.entries((rule.resources || {}).overrides || {})) {
      unknown(o, ADAPTER_KEYS.override, `${at}.resources.overrides.${label}`);
    }
    for (const field of ["seriesQuery", "metricsQuery"]) {
      if (typeof rule[field] !== "string" || !rule[field]) error(where, `${at}.${field} is missing`);
    }
    for (const t of ["<<.Series>>", "<<.LabelMatchers>>", "<<.GroupBy>>"]) {
      if (!(rule.metricsQuery || "").includes(t)) error(where, `${at}.metricsQuery lacks ${t}`);
    }
    const series = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{/.exec(rule.seriesQuery || "");
    if (!series) {
      error(where, `${at}.seriesQuery should name one metric: NAME{...}`);
      return;
    }
    if (exported && !exported.has(series[1])) {
      error(where, `${at}: the servers export no metric ${series[1]} (server/**/*.cc)`);
    }
    let exposed = series[1];
    if (rule.name && rule.name.matches) {
      const re = new RegExp(rule.name.matches);
      if (!re.test(series[1])) error(where, `${at}.name.matches does not match ${series[1]}`);
      else if (rule.name.as) exposed = series[1].replace(re, rule.name.as.replace(/\$\{(\d+)\}/g, "$$$1"));
    }
    served.add(exposed);
  });
  return served;
}

// The Dockerfile's stages, each with what it declares and what it inherits
// from an earlier stage it is built FROM: EXPOSEd ports, the OCI title
// label, USER.
function dockerfileStages(file) {
  const text = fs.readFileSync(file, "utf8").replace(/\\\r?\n/g, " ");
  const stages = [];
  const byName = new Map();
  let stage = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (!m || line.trim().startsWith("#")) continue;
    const instr = m[1].toUpperCase();
    if (instr === "FROM") {
      const f = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(m[2].trim());
      const parent = byName.get(f[1]) || null;
      stage = {
        name: f[2] || `#${stages.length}`,
        exposed: new Set(parent ? parent.exposed : []),
        title: parent ? parent.title : null,
        user: parent ? parent.user : null,
      };
      stages.push(stage);
      if (f[2]) byName.set(f[2], stage);
    } else if (!stage) {
      continue;  // ARG before the first FROM
    } else if (instr === "EXPOSE") {
      for (const p of m[2].trim().split(/\s+/)) stage.exposed.add(Number(p.split("/")[0]));
    } else if (instr === "LABEL") {
      const t = /org\.opencontainers\.image\.title\s*=\s*("([^"]*)"|(\S+))/.exec(m[2]);
      if (t) stage.title = t[2] !== undefined ? t[2] : t[3];
    } else if (instr === "USER") {
      stage.user = m[2].trim();
    }
  }
  return stages;
}

// Each image the manifests run is a target stage titled with its name, which
// EXPOSEs exactly the ports of the containers that run it and runs as their
// user.
function checkDockerfile(file, workloads) {
  const stages = dockerfileStages(file);
  const portsByImage = new Map();
  for (const w of workloads) {
    for (const c of w.containers) {
      const image = BINARIES[c.binary].image;
      if (!portsByImage.has(image)) portsByImage.set(image, new Set());
      for (const p of Object.values(c.ports)) portsByImage.get(image).add(p);
    }
  }
  for (const [image, ports] of portsByImage) {
    const stage = stages.find((st) => st.title === image);
    if (!stage) {
      const titled = stages.filter((st) => st.title).map((st) => `${st.name} (${st.title})`);
      error(file, `no stage is titled ${image} (LABEL org.opencontainers.image.title), the image the manifests run; titled: ${titled.join(", ") || "none"}`);
      continue;
    }
    const where = `${file}: target ${stage.name} (${image})`;
    const missing = [...ports].filter((p) => !stage.exposed.has(p)).sort();
    const extra = [...stage.exposed].filter((p) => !ports.has(p)).sort();
    if (missing.length) error(where, `does not EXPOSE container ports ${missing.join(", ")} of the manifests`);
    if (extra.length) error(where, `EXPOSEs ${extra.join(", ")}, which no manifest's container of this image uses`);
    if (stage.user === null) {
      error(where, `no USER: the manifests run as uid ${RUN_AS_USER}`);
    } else {
      const uid = stage.user.split(":")[0];
      if (/^\d+$/.test(uid) && Number(uid) !== RUN_AS_USER) {
        error(where, `USER ${stage.user} != the manifests' runAsUser ${RUN_AS_USER}`);
      } else if (!/^\d+$/.test(uid)) {
        notes.push(`${where}: USER ${stage.user} is a name; the manifests assume it is uid ${RUN_AS_USER}`);
      }
    }
  }
}

// ------------------------------------------------------------------ main

function main() {
  let options;
  try {
    options = parseArgs(process.argv);
  } catch (e) {
    process.stderr.write(`check-consistency: ${e.message}\n`);
    return 2;
  }
  const shared = { helpfull: {}, workloads: [], hpaMetrics: [] };
  if (options.helpfullDir) {
    for (const binary of Object.keys(BINARIES)) {
      const f = path.join(options.helpfullDir, `${binary}.txt`);
      if (!fs.existsSync(f)) continue;
      const names = new Set();
      // absl prints each flag as "    --name (help); default: ...;" with
      // exactly four spaces; wrapped help lines are indented six.
      for (const m of fs.readFileSync(f, "utf8").matchAll(/^ {4}--([A-Za-z0-9_]+)(?= |$)/gm)) names.add(m[1]);
      if (names.size === 0) {
        error(f, `no flags in ${binary}'s --helpfull output`);
        continue;
      }
      shared.helpfull[binary] = names;
    }
  }
  const exported = options.metricsSource ? exportedMetrics(options.metricsSource) : null;
  for (const file of options.files) checkRender(file, loadObjects(file), shared);
  if (options.adapter) {
    const served = checkAdapter(options.adapter, exported);
    for (const { where, name } of shared.hpaMetrics) {
      if (!served.has(name)) error(where, `Pods metric ${name} is not one the prometheus-adapter rules serve (${[...served].join(", ")})`);
    }
  }
  if (exported) {
    for (const { where, name } of shared.hpaMetrics) {
      if (!exported.has(name)) error(where, `the servers export no metric ${name}`);
    }
  }
  if (options.dockerfile) checkDockerfile(options.dockerfile, shared.workloads);

  for (const n of notes) process.stdout.write(`note: ${n}\n`);
  for (const e of errors) process.stdout.write(`MISMATCH ${e}\n`);
  const checked = `${options.files.length} render(s), ${shared.workloads.length} Deployments` +
    (Object.keys(shared.helpfull).length ? `, flags of ${Object.keys(shared.helpfull).join(", ")}` : "") +
    (options.adapter ? ", adapter rules" : "") + (options.dockerfile ? ", Dockerfile" : "");
  if (errors.length) {
    process.stdout.write(`check-consistency: ${errors.length} mismatch(es) in ${checked}\n`);
    return 1;
  }
  process.stdout.write(`check-consistency: consistent (${checked})\n`);
  return 0;
}

process.exitCode = main();
