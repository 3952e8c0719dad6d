#!/usr/bin/env python3
"""A Generator and a Verifier for the ARTS orchestrator, written in Python.

The minimal example of docs/bring_your_own.md: someone else's policy and
reward model behind the arts.v1 protos, searched by arts-orchestrator with the
`text` task. Nothing here comes from ARTS but the .proto files.

The toy task: "sum 3 5 7" asks for a running sum, one addition per step:
"3 + 5 = 8", then "8 + 7 = 15"; the final answer is "15". The policy slips
(adds a wrong result) with probability SLIP per step, so a complete trace is
right with probability (1 - SLIP) ** steps. The verifier returns exactly that
flow: log F(s) = log P(the policy, continuing from s, ends right), which is
(1 - SLIP) ** (steps left) while every step so far is right and ~0 after a
slip. A real deployment puts an LLM and a trained reward model here.

Run (stubs generated from proto/ with protoc; see docs/bring_your_own.md):
  PYTHONPATH=gen python3 examples/python/sum_services.py --port 50061
"""

import argparse
import math
import random
import signal
import sys
import threading
from concurrent import futures

import grpc

from arts.v1 import common_pb2
from arts.v1 import generator_pb2
from arts.v1 import generator_pb2_grpc
from arts.v1 import verifier_pb2
from arts.v1 import verifier_pb2_grpc

SLIP = 0.4
MAX_NUMBERS = 16


def parse_problem(problem):
    """The numbers of "sum 3 5 7", or None if it is not such a problem."""
    words = problem.split()
    if len(words) < 3 or words[0] != "sum" or len(words) > MAX_NUMBERS + 1:
        return None
    try:
        return [int(w) for w in words[1:]]
    except ValueError:
        return None


def parse_step(step):
    """(a, b, result) of "a + b = result", or None."""
    words = step.split()
    if len(words) != 5 or words[1] != "+" or words[3] != "=":
        return None
    try:
        return int(words[0]), int(words[2]), int(words[4])
    except ValueError:
        return None


def steps_right(numbers, steps):
    """How many leading steps add the right numbers to the right total."""
    total = numbers[0]
    for i, step in enumerate(steps):
        parsed = parse_step(step)
        if parsed is None or i + 1 >= len(numbers):
            return i
        a, b, result = parsed
        if (a, b, result) != (total, numbers[i + 1], total + numbers[i + 1]):
            return i
        total = result
    return len(steps)


def abort_invalid(context, message):
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)


class SumGenerator(generator_pb2_grpc.GeneratorServicer):
    """The base policy: each step adds the next number, slipping sometimes."""

    def Propose(self, request, context):
        if request.task != "text":
            abort_invalid(context, f"task: this generator serves text, got '{request.task}'")
        numbers = parse_problem(request.problem)
        if numbers is None:
            abort_invalid(context, "problem: expected 'sum N N ...' (2 to 16 integers)")
        count = request.num_candidates or 1
        if not 1 <= count <= 64:
            abort_invalid(context, f"num_candidates: must be 1 to 64, got {count}")
        prefixes = [list(p.steps) for p in request.prefixes] or [[]]
        for p, prefix in enumerate(prefixes):
            for i in range(count):
                if not context.is_active():  # cancelled or past its deadline
                    return
                # Same seed, same candidates: the orchestrator relies on it.
                rng = random.Random(f"{request.sampling.seed}/{p}/{i}")
                yield self._candidate(numbers, prefix, p, i, request.max_steps, rng)

    def _candidate(self, numbers, prefix, p, i, max_steps, rng):
        candidate = generator_pb2.Candidate(prefix_index=p, index=i)
        done = len(prefix)
        # The running total as the prefix wrote it (its last result).
        total = parse_step(prefix[-1])[2] if prefix and parse_step(prefix[-1]) else numbers[0]
        while done + 1 < len(numbers):
            if max_steps and len(candidate.steps) == max_steps:
                break
            right = total + numbers[done + 1]
            slipped = rng.random() < SLIP
            result = right + rng.choice([-2, -1, 1, 2]) if slipped else right
            candidate.steps.append(f"{total} + {numbers[done + 1]} = {result}")
            candidate.logprob += math.log(SLIP / 4 if slipped else 1 - SLIP)
            candidate.num_tokens += 5
            total = result
            done += 1
        if done + 1 >= len(numbers):
            candidate.terminal = True
            candidate.final_answer = str(total)
        candidate.valid = True
        return candidate

    def GetModelInfo(self, request, context):
        return common_pb2.ModelInfo(kind="generator", path="sum_services.py",
                                    metadata={"task": "text", "slip": str(SLIP)})


class SumVerifier(verifier_pb2_grpc.VerifierServicer):
    """The reward model: log F of every prefix of every trace."""

    def Score(self, request, context):
        if request.task != "text":
            abort_invalid(context, f"task: this verifier serves text, got '{request.task}'")
        response = verifier_pb2.ScoreResponse()
        for t, trace in enumerate(request.traces):
            numbers = parse_problem(trace.problem)
            if numbers is None:
                abort_invalid(context, f"traces[{t}].problem: expected 'sum N N ...'")
            right = steps_right(numbers, trace.steps)
            flows = []
            for s in range(len(trace.steps) + 1):
                left = len(numbers) - 1 - s
                ok = s <= right and left >= 0
                flows.append(left * math.log(1 - SLIP) if ok else math.log(1e-6))
            score = response.scores.add(log_flow=flows[-1])
            if request.per_step:
                score.step_log_flows.extend(flows)
        return response

    def GetModelInfo(self, request, context):
        return common_pb2.ModelInfo(kind="verifier", path="sum_services.py",
                                    metadata={"task": "text"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=50061,
                        help="port on 127.0.0.1 serving both services (0 picks one)")
    args = parser.parse_args()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    generator_pb2_grpc.add_GeneratorServicer_to_server(SumGenerator(), server)
    verifier_pb2_grpc.add_VerifierServicer_to_server(SumVerifier(), server)
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()
    print(f"sum_services: Generator and Verifier on 127.0.0.1:{port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=2).wait()
    print("sum_services: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
