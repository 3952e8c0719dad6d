#!/usr/bin/env python3
"""A toy "LLM server": the OpenAI-compatible completions API over a scripted
model. A stand-in for vLLM, llama.cpp's server, TGI or SGLang, which cannot
run on our test machines; it is not an LLM.

It speaks POST /v1/completions as vLLM documents its OpenAI-compatible
server (n, max_tokens, temperature, top_p, top_k, seed, stop, logprobs with
tokens / token_logprobs / text_offset, finish_reason, vLLM's stop_reason,
usage, errors as {"error": {...}} or vLLM's {"object": "error", ...}), so
arts-generator --openai_url searches over it exactly as over a real server.
tests/openai_generator_test.cc runs every strategy through it, and the
walkthrough of docs/your_own_model.md trains a flow verifier for it.

Its "model" writes two toy tasks in free text, one line per step, and ends
the text (end of sequence) after its answer line:

  spell WORD   "letter c" per step: the right next letter with probability
               0.3, another of "abcd" otherwise, "letter ?" 3% of the time;
               then "answer: CAB" (the letters in capitals). "mute WORD" is
               the same without the answer line. (tests/scripted_policy.h)
  sum 3 5 7    "3 + 5 = 8", then "8 + 7 = 15": a running sum, one addition
               per step, where each result overshoots by 1 to 3 with
               probability --slip (0.35); later steps add to the slipped
               total, so a trace that slipped never ends right. Then
               "answer: 15". With six numbers a trace is right 0.65^5 = 12%
               of the time, and a right trace needs five right steps.

Tokens are words (each with its leading space), digits of numbers, and
newlines.

  python3 examples/python/toy_llm_server.py --port 8000 [--delay_ms 0]
      [--api_key K] [--tls_cert cert.pem --tls_key key.pem] [--model toy]
      [--slip 0.35]

GET /stats reports what it served (for tests): requests, completions,
aborted (requests whose client went away while it waited), last_abort (a
Unix time), and the last request's body.
"""

import argparse
import json
import math
import random
import select
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LETTERS = "abcd"
SLIP = [0.35]  # --slip
STATS = {"requests": 0, "completions": 0, "aborted": 0, "last_abort": 0.0,
         "last_body": None}
LOCK = threading.Lock()


def parse_prompt(prompt):
    """(task, numbers or word, steps so far) of a prompt, or None."""
    lines = prompt.split("\n")
    for i, line in enumerate(lines):
        words = line.split()
        if len(words) == 2 and words[0] in ("spell", "mute"):
            return words[0], words[1], [s for s in lines[i + 1:] if s]
        if len(words) >= 3 and words[0] == "sum":
            try:
                numbers = [int(w) for w in words[1:]]
            except ValueError:
                return None
            return "sum", numbers, [s for s in lines[i + 1:] if s]
    return None


def number_tokens(n, lead="", logprob=0.0):
    """A number as tokens: its digits, the first with `lead` and `logprob`."""
    digits = str(n)
    return [(lead + digits[0], logprob)] + [(d, 0.0) for d in digits[1:]]


def sample_spell(verb, word, steps, rng, temperature):
    """The tokens the model writes to the end of a spelling."""
    tokens = []
    letters = [s[7] for s in steps if s.startswith("letter ") and len(s) == 8]
    while len(letters) < len(word):
        right = word[len(letters)]
        draw = rng.random()
        if temperature == 0:
            letter, p = right, 0.3  # greedy: the likeliest letter
        elif draw < 0.03:
            letter, p = "?", 0.03
        elif draw < 0.3:
            letter, p = right, 0.3
        else:
            letter = LETTERS[rng.randrange(4)]
            p = 0.3 + 0.7 / 4 if letter == right else 0.7 / 4
        letters.append(letter)
        tokens += [("letter", 0.0), (" " + letter, math.log(p)), ("\n", 0.0)]
    if verb == "spell":
        tokens += [("answer", 0.0), (":", 0.0),
                   (" " + "".join(letters).upper(), 0.0)]
    return tokens


def sample_sum(numbers, steps, rng, temperature, slip):
    """The tokens the model writes to the end of a running sum."""
    # The total so far is the last step's result, as written.
    total, done = numbers[0], 1
    for step in steps:
        words = step.split()
        if len(words) == 5 and words[1] == "+" and words[3] == "=":
            try:
                total = int(words[4])
            except ValueError:
                pass
            done += 1
    tokens = []
    while done < len(numbers):
        x = numbers[done]
        result, p = total + x, 1 - slip
        if temperature > 0 and rng.random() < slip:
            result = total + x + rng.choice([1, 2, 3])
            p = slip / 3
        tokens += number_tokens(total) + [(" +", 0.0)] + \
            number_tokens(x, " ") + [(" =", 0.0)] + \
            number_tokens(result, " ", math.log(p)) + [("\n", 0.0)]
        total, done = result, done + 1
    return tokens + [("answer", 0.0), (":", 0.0)] + number_tokens(total, " ")


def complete(body, index):
    """One choice for `body`, as vLLM returns it."""
    task, subject, steps = parse_prompt(body["prompt"])
    seed = body.get("seed")
    rng = random.Random(f"{seed}|{index}" if seed is not None else None)
    temperature = float(body.get("temperature", 1.0))
    if task == "sum":
        tokens = sample_sum(subject, steps, rng, temperature, SLIP[0])
    else:
        tokens = sample_spell(task, subject, steps, rng, temperature)
    stops = body.get("stop") or []
    if isinstance(stops, str):
        stops = [stops]
    max_tokens = int(body.get("max_tokens", 16))
    text, out_tokens, logprobs, offsets = "", [], [], []
    finish, stop_reason = "stop", None  # end of sequence unless cut
    for token, logprob in tokens:
        if len(out_tokens) == max_tokens:
            finish = "length"
            break
        offsets.append(len(text))
        out_tokens.append(token)
        logprobs.append(logprob)
        text += token
        hit = [s for s in stops if s in text]
        if hit:
            text = text[:text.index(hit[0])]  # the stop string is left out
            stop_reason = hit[0]
            break
    choice = {"index": index, "text": text, "finish_reason": finish,
              "stop_reason": stop_reason}
    if body.get("logprobs") is not None:
        choice["logprobs"] = {
            "tokens": out_tokens, "token_logprobs": logprobs,
            "text_offset": offsets,
            "top_logprobs": [{t: lp} for t, lp in zip(out_tokens, logprobs)]}
    else:
        choice["logprobs"] = None
    return choice, len(out_tokens)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as libcurl expects
    server_version = "toy-llm-server"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's
        # algorithm and the client's delayed ACK hold each reply ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # quiet: the tests read /stats
        pass

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message, kind="BadRequestError"):
        if status == 401:  # OpenAI's shape
            self.reply(status, {"error": {"message": message,
                                          "type": "invalid_request_error"}})
        else:  # vLLM's shape
            self.reply(status, {"object": "error", "message": message,
                                "type": kind, "code": status})

    def client_gone(self):
        """True when the client closed the connection."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                self.reply(200, dict(STATS))
        elif self.path == "/v1/models":
            self.reply(200, {"object": "list", "data": [
                {"id": self.server.model, "object": "model"}]})
        else:
            self.error(404, f"no route {self.path}", "NotFoundError")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        with LOCK:
            STATS["requests"] += 1
        if self.path != "/v1/completions":
            self.error(404, f"no route {self.path}", "NotFoundError")
            return
        key = self.server.api_key
        if key and self.headers.get("Authorization") != f"Bearer {key}":
            self.error(401, "Incorrect API key provided")
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self.error(400, "the body is not JSON")
            return
        with LOCK:
            STATS["last_body"] = body
        if body.get("model") != self.server.model:
            self.error(404, f"The model `{body.get('model')}` does not exist.",
                       "NotFoundError")
            return
        if not isinstance(body.get("prompt"), str) or \
                parse_prompt(body["prompt"]) is None:
            self.error(400, "the prompt holds no 'spell WORD' or 'sum A B "
                       "...' problem")
            return
        n = int(body.get("n", 1))
        if not 1 <= n <= 128:
            self.error(400, f"n must be 1 to 128, got {n}")
            return
        until = time.time() + self.server.delay
        while time.time() < until:
            if self.client_gone():
                with LOCK:
                    STATS["aborted"] += 1
                    STATS["last_abort"] = time.time()
                self.close_connection = True
                return
            time.sleep(0.002)
        choices, tokens = [], 0
        for i in range(n):
            choice, count = complete(body, i)
            choices.append(choice)
            tokens += count
        with LOCK:
            STATS["completions"] += 1
        self.reply(200, {
            "id": f"cmpl-{STATS['requests']}", "object": "text_completion",
            "created": int(time.time()), "model": self.server.model,
            "choices": choices,
            "usage": {"prompt_tokens": len(body["prompt"].split()),
                      "completion_tokens": tokens,
                      "total_tokens": len(body["prompt"].split()) + tokens}})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", default="toy")
    parser.add_argument("--delay_ms", type=int, default=0)
    parser.add_argument("--api_key", default="")
    parser.add_argument("--tls_cert", default="")
    parser.add_argument("--tls_key", default="")
    parser.add_argument("--slip", type=float, default=0.35)
    args = parser.parse_args()
    SLIP[0] = args.slip
    # A search sends many requests at once: a listen backlog of 5 (the
    # default) would drop connections and make clients retry.
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.model = args.model
    server.delay = args.delay_ms / 1000.0
    server.api_key = args.api_key
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"toy LLM server serving on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
