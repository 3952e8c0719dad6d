#!/usr/bin/env python3
"""A stand-in for an OpenAI-compatible completions server, for tests only.

No real LLM server can run on the test machines, so arts-generator's
OpenAI-compatible backend (--openai_url) is tested against this one: it
speaks POST /v1/completions as vLLM documents its OpenAI-compatible server
(n, max_tokens, temperature, top_p, top_k, seed, stop, logprobs with
tokens / token_logprobs / text_offset, finish_reason, vLLM's stop_reason,
usage, errors as {"error": {...}} or vLLM's {"object": "error", ...}), with a
scripted "model" in place of an LLM.

The model writes the toy task of tests/scripted_policy.h in free text. For a
prompt whose first line after the optional instructions is "spell WORD" and
whose later lines are the steps so far, it writes one line per step:
"letter c", the right next letter with probability 0.3, another of "abcd"
otherwise, and "letter ?" 3% of the time; once the word's length is reached
it writes "answer: CAB" (the letters in capitals) and ends the text (end of
sequence). "mute WORD" is the same without the answer line. Tokens are
words, each letter with its space, and each newline.

  python3 tests/openai_stand_in.py --port 8000 [--delay_ms 0] [--api_key K]
      [--tls_cert cert.pem --tls_key key.pem] [--model toy]

GET /stats reports what it served (for the tests' checks): requests,
completions, aborted (requests whose client went away while it waited),
last_abort (a Unix time), and the last request's body.
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
STATS = {"requests": 0, "completions": 0, "aborted": 0, "last_abort": 0.0,
         "last_body": None}
LOCK = threading.Lock()


def parse_prompt(prompt):
    """(verb, word, letters so far) of a prompt, or None."""
    lines = prompt.split("\n")
    for i, line in enumerate(lines):
        words = line.split()
        if len(words) == 2 and words[0] in ("spell", "mute"):
            letters = ""
            for step in lines[i + 1:]:
                if step.startswith("letter ") and len(step) == 8:
                    letters += step[7]
            return words[0], words[1], letters
    return None


def sample_tokens(verb, word, letters, rng, temperature):
    """The tokens the model writes to the end: (text, logprob) pairs."""
    tokens = []
    letters = list(letters)
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


def complete(body, index):
    """One choice for `body`, as vLLM returns it."""
    verb, word, letters = parse_prompt(body["prompt"])
    seed = body.get("seed")
    rng = random.Random(f"{seed}|{index}" if seed is not None else None)
    tokens = sample_tokens(verb, word, letters, rng,
                           float(body.get("temperature", 1.0)))
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
    server_version = "openai-stand-in"

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
            self.error(400, "the prompt holds no 'spell WORD' problem")
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
    args = parser.parse_args()
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
    print(f"openai stand-in serving on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
