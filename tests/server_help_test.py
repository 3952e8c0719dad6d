#!/usr/bin/env python3
"""Every server binary explains itself, and the docs agree with it.

For arts-generator, arts-verifier, arts-orchestrator and
arts-orchestrator-local:
  - `--help` lists the binary's own flags (those defined under server/),
    grouped with their defaults, and no library's;
  - `--version` says the binary and its version;
  - every flag that a command line of that binary in docs/ or the README
    uses (fenced code blocks, continuation lines joined) is in its --help;
  - every flag in its --help is documented somewhere in docs/ or the README.

And for the CLIs, `arts` and `arts-lab` (given): every flag that a command
line `arts COMMAND ...` or `arts-lab COMMAND ...` in the docs uses is one
that `COMMAND --help` lists, and the command exists.

Usage: server_help_test.py SOURCE_DIR BINARY_DIR BINARY_DIR_OF_MODEL_SERVERS
                           [ARTS ARTS_LAB]
"""
import pathlib
import re
import subprocess
import sys

source, orchestrator_dir, models_dir = (pathlib.Path(a) for a in sys.argv[1:4])
binaries = {
    "arts-orchestrator": orchestrator_dir / "arts-orchestrator",
    "arts-generator": models_dir / "arts-generator",
    "arts-verifier": models_dir / "arts-verifier",
    "arts-orchestrator-local": models_dir / "arts-orchestrator-local",
}
# absl's own flags, which every binary takes.
BUILTIN = {"help", "helpfull", "helpshort", "helppackage", "helpon",
           "helpmatch", "version", "only_check_args", "flagfile", "fromenv",
           "tryfromenv", "undefok"}

docs = [source / "README.md"] + sorted((source / "docs").glob("*.md"))
text = {path: path.read_text() for path in docs}
failures = []


def help_flags(name, path):
    run = subprocess.run([str(path), "--help"], capture_output=True, text=True,
                         timeout=60)
    out = run.stdout + run.stderr
    flags = set(re.findall(r"^\s+--([a-z_0-9]+) \(", out, re.M))
    if not flags:
        failures.append(f"{name} --help lists no flags:\n{out[:500]}")
    if not re.search(r"Flags from \S*server/", out):
        failures.append(f"{name} --help does not group its flags by file")
    if "default:" not in out:
        failures.append(f"{name} --help shows no defaults")
    for library in ("absl/", "grpc", "Flags from core/"):
        if re.search(r"Flags from [^\n]*" + re.escape(library), out):
            failures.append(f"{name} --help lists {library} flags")
    version = subprocess.run([str(path), "--version"], capture_output=True,
                             text=True, timeout=60)
    if not re.search(rf"^{re.escape(name)} \d+\.\d+\.\d+", version.stdout, re.M):
        failures.append(f"{name} --version says {version.stdout!r}")
    return flags


def command_lines(name):
    """Command lines of `name` in the docs' fenced code blocks: lines whose
    command (after a `$` prompt, VAR=value assignments, sudo, exec, nohup)
    is the binary, by name or path."""
    for path, body in text.items():
        for block in re.findall(r"```[^\n]*\n(.*?)```", body, re.S):
            joined = re.sub(r"\\\n\s*", " ", block)
            for line in joined.splitlines():
                words = line.split()
                while words and (words[0] in ("$", "sudo", "exec", "nohup") or
                                 re.match(r"^[A-Z_][A-Z0-9_]*=", words[0])):
                    words = words[1:]
                if words and (words[0] == name or words[0].endswith("/" + name)):
                    yield path, line, words[1:]


def unknown_flags(args, flags):
    """The flags of a command line's arguments that `flags` does not hold."""
    for arg in args:
        if arg in ("|", "&&", ";", ">", "2>", "&") or arg.startswith("|"):
            break
        m = re.match(r"^--?([a-z][a-z_0-9]*)", arg)
        if not m:
            continue
        flag = m.group(1)
        if flag.startswith("no") and flag[2:] in flags:
            continue
        if flag not in flags and flag not in BUILTIN:
            yield flag


found = {}
for name, path in binaries.items():
    found[name] = help_flags(name, path)

checked = 0
for name, flags in found.items():
    for path, line, args in command_lines(name):
        checked += 1
        for flag in unknown_flags(args, flags):
            failures.append(f"{path.relative_to(source)}: `{line.strip()[:100]}`: "
                            f"--{flag} is not in {name} --help")
    documented = "\n".join(text.values())
    for flag in sorted(flags):
        if not re.search(rf"--{flag}\b", documented):
            failures.append(f"{name} --{flag} is documented nowhere in docs/ or the README")

cli_checked = 0
if len(sys.argv) > 5:
    for name, path in (("arts", sys.argv[4]), ("arts-lab", sys.argv[5])):
        known = {}
        for _, line, args in command_lines(name):
            if not args or args[0].startswith("-"):
                continue
            command = args[0]
            if command not in known:
                run = subprocess.run([path, command, "--help"],
                                     capture_output=True, text=True, timeout=60)
                known[command] = (set(re.findall(r"^  --([a-z_0-9]+) \(", run.stdout, re.M))
                                  if run.returncode == 0 else None)
            flags = known[command]
            if flags is None:
                failures.append(f"`{line.strip()[:100]}`: {name} has no command {command}")
                continue
            cli_checked += 1
            for flag in unknown_flags(args[1:], flags):
                failures.append(f"`{line.strip()[:100]}`: --{flag} is not a flag "
                                f"of {name} {command}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("server_help_test: " + ", ".join(f"{n} {len(f)} flags" for n, f in found.items()) +
      f"; the flags of {checked} documented server command lines and "
      f"{cli_checked} CLI command lines are in --help; "
      "every server --help flag is documented")
