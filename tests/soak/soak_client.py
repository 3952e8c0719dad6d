"""The client of scripts/soak.sh: many threads that never back off send
Solves of mixed strategies, bad requests and cancelled Solves to the
orchestrator, and a reporter prints each minute's goodput, p99, status codes
and the services' RSS and thread counts (from /proc). Exits 1 when a status
appears that the soak does not allow, or memory or threads grow.

Threads are counted per pool (threads with the same name). gRPC's default
executor ("default-executo") starts with one thread and adds one whenever a
closure finds its threads busy, up to a fixed cap of 2 x the machine's
configured cores (grpc_core::Executor, gRPC 1.51), and never shrinks: it may
reach that cap late in a soak without growing with the load. Every other pool
must keep its size after the warm-up, and that one must stay within its cap."""

import argparse
import collections
import os
import random
import sys
import threading
import time

import grpc
from arts.v1 import orchestrator_pb2, orchestrator_pb2_grpc

STRATEGIES = [orchestrator_pb2.ARTS, orchestrator_pb2.BEAM,
              orchestrator_pb2.BEST_OF_N, orchestrator_pb2.DVTS]
# What each kind of call may end with.
ALLOWED = {
    "solve": {"OK", "RESOURCE_EXHAUSTED"},
    "bad": {"INVALID_ARGUMENT"},
    "cancel": {"OK", "CANCELLED", "RESOURCE_EXHAUSTED"},
}


def puzzles(path):
    out = []
    with open(path) as f:
        next(f)
        for line in f:
            out.append(line.split(",")[1] + " -> 24")
    return out


def proc_status(pid):
    rss_kb = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss_kb, threads


# gRPC's default executor: the pool that may grow, and its fixed cap.
GRPC_EXECUTOR = "default-executo"
GRPC_EXECUTOR_CAP = max(1, 2 * os.sysconf("SC_NPROCESSORS_CONF"))


def thread_pools(pid):
    """Threads per name, from /proc/PID/task/*/comm."""
    pools = collections.Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                pools[f.read().strip()] += 1
        except FileNotFoundError:  # the thread ended while we listed
            pass
    return pools


def pools_grown(before, after):
    """The pools that grew, as 'name a -> b'; the executor only past its cap."""
    grown = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name, 0), after.get(name, 0)
        if name == GRPC_EXECUTOR:
            if b > GRPC_EXECUTOR_CAP:
                grown.append(f"{name} {b} > cap {GRPC_EXECUTOR_CAP}")
        elif b > a:
            grown.append(f"{name} {a} -> {b}")
    return grown


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--minutes", type=int, required=True)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--pids", required=True)
    parser.add_argument("--names", required=True)
    parser.add_argument("--puzzles", required=True)
    args = parser.parse_args()
    problems = puzzles(args.puzzles)
    pids = [int(p) for p in args.pids.split(",")]
    names = args.names.split(",")

    lock = threading.Lock()
    records = []  # (minute, kind, code, seconds)
    start = time.monotonic()
    end = start + 60 * args.minutes
    channel = grpc.insecure_channel(args.address)
    stub = orchestrator_pb2_grpc.OrchestratorStub(channel)

    def worker(seed):
        rng = random.Random(seed)
        n = 0
        while time.monotonic() < end:
            n += 1
            kind = "bad" if n % 10 == 9 else "cancel" if n % 10 == 4 else "solve"
            request = orchestrator_pb2.SolveRequest(
                problem=rng.choice(problems), strategy=rng.choice(STRATEGIES),
                constrained=True, seed=rng.randrange(1 << 30))
            if kind == "bad":
                request.problem = "1 2 x -> 24"
            t0 = time.monotonic()
            try:
                if kind == "cancel":
                    future = stub.Solve.future(request, timeout=30)
                    time.sleep(rng.uniform(0, 0.2))
                    future.cancel()
                    future.result()
                else:
                    stub.Solve(request, timeout=30)
                code = "OK"
            except grpc.FutureCancelledError:
                code = "CANCELLED"
            except grpc.RpcError as e:
                code = e.code().name
            with lock:
                records.append((int((t0 - start) // 60), kind, code,
                                time.monotonic() - t0))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True)
               for i in range(args.clients)]
    for t in threads:
        t.start()

    samples = []  # per minute: [(rss_kb, threads) per process]
    pools = []  # per minute: [thread pools per process]
    unexpected = {}
    print("minute  goodput/s  p99_s  codes  " +
          "  ".join(f"{n}_rss_MB {n}_threads" for n in names), flush=True)
    for minute in range(args.minutes):
        time.sleep(max(0.0, start + 60 * (minute + 1) - time.monotonic()))
        sample = [proc_status(pid) for pid in pids]
        samples.append(sample)
        pools.append([thread_pools(pid) for pid in pids])
        with lock:
            mine = [r for r in records if r[0] == minute]
        ok = [r[3] for r in mine if r[1] == "solve" and r[2] == "OK"]
        ok.sort()
        p99 = ok[min(len(ok) - 1, int(0.99 * len(ok)))] if ok else 0.0
        codes = {}
        for _, kind, code, _ in mine:
            codes[code] = codes.get(code, 0) + 1
            if code not in ALLOWED[kind]:
                unexpected[f"{kind}:{code}"] = unexpected.get(
                    f"{kind}:{code}", 0) + 1
        print(f"{minute + 1:6d}  {len(ok) / 60:9.2f}  {p99:5.2f}  "
              + " ".join(f"{c}={n}" for c, n in sorted(codes.items())) + "  "
              + "  ".join(f"{rss / 1024:.0f} {th}" for rss, th in sample),
              flush=True)

    warm = 5 if args.minutes >= 10 else 1
    failed = False
    if len(samples) > warm:
        for i, name in enumerate(names):
            rss0, threads0 = samples[warm - 1][i]
            rss1, threads1 = samples[-1][i]
            growth = (rss1 - rss0) / rss0 * 100
            grown = pools_grown(pools[warm - 1][i], pools[-1][i])
            print(f"{name}: RSS {rss0 / 1024:.0f} -> {rss1 / 1024:.0f} MB "
                  f"({growth:+.1f}%) after minute {warm}, threads "
                  f"{threads0} -> {threads1}; pools at the end: "
                  + ", ".join(f"{n} {c}" for n, c in
                              sorted(pools[-1][i].items()))
                  + (f"; GREW: {'; '.join(grown)}" if grown else ""))
            if growth > 5 or grown:
                failed = True
    if unexpected:
        print("statuses the soak does not allow:", unexpected)
        failed = True
    print("FAILED" if failed else "passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
