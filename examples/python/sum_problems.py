#!/usr/bin/env python3
"""Problems of the toy `sum` task with their reference answers, as the JSON
Lines file `arts-lab collect-trees --task text --problems_file` and
`arts solve --problems_file` read (docs/formats.md):

  {"problem": "sum 3 5 7 2 4 6", "answer": "27"}

  python3 examples/python/sum_problems.py --count 400 --seed 1 > train.jsonl
  python3 examples/python/sum_problems.py --count 100 --seed 2 \\
      --exclude train.jsonl > test.jsonl

--exclude keeps every problem of another file out, so that held-out
problems are never trained on.
"""

import argparse
import json
import random
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--numbers", type=int, default=6,
                        help="numbers per problem (steps: one fewer)")
    parser.add_argument("--max", type=int, default=9,
                        help="each number is 1 to this")
    parser.add_argument("--exclude", action="append", default=[],
                        help="a problems file whose problems to leave out")
    args = parser.parse_args()
    if args.count < 1 or args.numbers < 2 or args.max < 1:
        sys.exit("sum_problems: --count >= 1, --numbers >= 2, --max >= 1")
    taken = set()
    for path in args.exclude:
        with open(path) as f:
            taken |= {json.loads(line)["problem"] for line in f if line.strip()}
    rng = random.Random(args.seed)
    made = 0
    for _ in range(args.count * 1000):
        if made == args.count:
            break
        numbers = [rng.randint(1, args.max) for _ in range(args.numbers)]
        problem = "sum " + " ".join(map(str, numbers))
        if problem in taken:
            continue
        taken.add(problem)
        print(json.dumps({"problem": problem, "answer": str(sum(numbers))}))
        made += 1
    if made < args.count:
        sys.exit(f"sum_problems: only {made} distinct problems")


if __name__ == "__main__":
    main()
