#!/usr/bin/env bash
# The ghz configs under deploy/ghz/ (docs/BENCHMARKS.md): ghz cannot be
# installed here, so this checks them the way ghz v0.120.0 reads them. Every
# key must be one its config file knows, the settings ghz's defaults get
# wrong must be set, the call must name a method of our protos, and every
# "data" item must parse as that method's request message (protobuf's JSON
# parser, unknown fields rejected).
#
# Usage: ghz_configs_test.sh REPO_DIR
set -euo pipefail
repo=$1
python=/usr/bin/python3
work=$(mktemp -d /tmp/ghz_configs_test.XXXXXX)
trap 'rm -rf "$work"' EXIT
protoc -I "$repo/proto" --python_out="$work" "$repo"/proto/arts/v1/*.proto
PYTHONPATH="$work" "$python" - "$repo"/deploy/ghz/*.json <<'PY'
import json
import sys

from google.protobuf import json_format
from arts.v1 import generator_pb2, orchestrator_pb2, verifier_pb2

# The keys of ghz v0.120.0's config file: the json tags of its
# runner.Config (runner/config.go), which --config loads. ghz itself ignores
# a key it does not know, silently (an old "qps" sets no rate: the key is
# "rps"), so this list is the only guard.
GHZ_KEYS = {
    "proto", "protoset", "call", "cacert", "cert", "key", "count-errors",
    "skipTLS", "skipFirst", "cname", "authority", "insecure", "total",
    "async", "concurrency", "concurrency-schedule", "concurrency-start",
    "concurrency-end", "concurrency-step", "concurrency-step-duration",
    "concurrency-max-duration", "connections", "rps", "duration",
    "duration-stop", "max-duration", "timeout", "data", "data-file",
    "binary-file", "metadata", "metadata-file", "stream-interval",
    "stream-call-duration", "stream-call-count", "stream-dynamic-messages",
    "output", "format", "connect-timeout", "keepalive", "cpus",
    "import-paths", "name", "tags", "reflect-metadata", "debug", "host",
    "enable-compression", "load-schedule", "load-start", "load-end",
    "load-step", "load-step-duration", "load-max-duration", "lb-strategy",
    "max-recv-message-size", "max-send-message-size",
    "disable-template-functions", "disable-template-data",
}
# Settings our configs must carry, because ghz's defaults mislead here.
REQUIRED = {
    # The default, "close", counts every call still in flight when the
    # duration ends as an error.
    "duration-stop": "wait",
}
SERVICES = {
    "arts.v1.Orchestrator": orchestrator_pb2,
    "arts.v1.Generator": generator_pb2,
    "arts.v1.Verifier": verifier_pb2,
}
failures = 0
for path in sys.argv[1:]:
    config = json.load(open(path))
    unknown = set(config) - GHZ_KEYS
    if unknown:
        print(f"{path}: keys ghz does not know: {sorted(unknown)}")
        failures += 1
    for key, value in REQUIRED.items():
        if config.get(key) != value:
            print(f"{path}: needs \"{key}\": \"{value}\"")
            failures += 1
    # ghz refuses to start when connections exceed concurrency.
    if config.get("connections", 1) > config.get("concurrency", 50):
        print(f"{path}: more connections than concurrency")
        failures += 1
    service, method = config["call"].rsplit(".", 1)
    module = SERVICES.get(service)
    descriptor = module and module.DESCRIPTOR.services_by_name[service.split(".")[-1]]
    if descriptor is None or method not in descriptor.methods_by_name:
        print(f"{path}: no method {config['call']}")
        failures += 1
        continue
    request = descriptor.methods_by_name[method].input_type
    message_class = getattr(module, request.name)
    for i, item in enumerate(config["data"]):
        try:
            json_format.ParseDict(item, message_class())
        except json_format.ParseError as e:
            print(f"{path}: data[{i}] is not a {request.full_name}: {e}")
            failures += 1
    print(f"{path}: {config['call']}, {len(config['data'])} requests")
sys.exit(1 if failures else 0)
PY
