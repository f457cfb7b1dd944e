#!/usr/bin/env python3
"""Checks two shapes of the code that neither the compiler nor clippy checks (issue 7, "done means"):

- no function outside tests is longer than 120 lines in the crates' sources (core, server, model,
  sqlite): a longer one is split by meaning;
- no public type under a store module (core/src/store, server/src/storage) derives Serialize or
  Deserialize: what travels on the wire is defined once, in hoso_model::protocol.

Test code is skipped: `#[cfg(test)]` items and files named tests.rs (test modules kept apart).
Prints each finding as path:line and exits 1 if there is any.
"""

import re
import sys
from pathlib import Path

MAX_LINES = 120
SOURCES = ["core/src", "server/src", "model/src", "sqlite/src"]
STORE_MODULES = ["core/src/store", "server/src/storage"]

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?((const|async|unsafe|extern\s+\"[^\"]*\")\s+)*fn\s+(\w+)")
SERDE_DERIVE = re.compile(r"#\[derive\([^\]]*\b(Serialize|Deserialize)\b")
PUB_TYPE = re.compile(r"^\s*pub\s+(struct|enum)\s+(\w+)")


def code_only(text):
    """The text with comments, string and char literals blanked (newlines kept), so braces count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(blank(text[i:j]))
            i = j
        elif m := re.match(r'b?r(#*)"', text[i:]):
            close = '"' + m.group(1)
            end = text.find(close, i + len(m.group(0)))
            end = n if end < 0 else end + len(close)
            out.append(blank(text[i:end]))
            i = end
        elif c == '"' or text.startswith('b"', i):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(blank(text[i : j + 1]))
            i = j + 1
        elif m := re.match(r"b?'(\\.[^']*|[^'\\])'", text[i:]):
            out.append(" " * len(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def blank(segment):
    return "".join("\n" if ch == "\n" else " " for ch in segment)


def block_end(lines, start):
    """The index of the line closing the first `{` block opened at or after line `start`, or None for a
    declaration without a body."""
    depth, opened = 0, False
    for index in range(start, len(lines)):
        for ch in lines[index]:
            if ch == "{":
                depth, opened = depth + 1, True
            elif ch == "}":
                depth -= 1
                if opened and depth == 0:
                    return index
            elif ch == ";" and not opened and depth == 0:
                return None
    return None


def long_functions(path):
    lines = code_only(path.read_text()).split("\n")
    findings, index = [], 0
    while index < len(lines):
        line = lines[index]
        if line.strip().startswith("#[cfg(test)]"):
            end = block_end(lines, index + 1)
            index = (end if end is not None else index) + 1
            continue
        match = FN.match(line)
        if match:
            end = block_end(lines, index)
            if end is not None and end - index + 1 > MAX_LINES:
                findings.append((index + 1, match.group(5), end - index + 1))
        index += 1
    return findings


def serde_types(path):
    lines = path.read_text().split("\n")
    findings = []
    for index, line in enumerate(lines):
        match = PUB_TYPE.match(line)
        if not match:
            continue
        attributes = []
        back = index - 1
        while back >= 0 and lines[back].strip().startswith(("#[", "///")):
            attributes.append(lines[back])
            back -= 1
        if any(SERDE_DERIVE.search(a) for a in attributes):
            findings.append((index + 1, match.group(2)))
    return findings


def main():
    root = Path(__file__).resolve().parent.parent
    failures = 0
    for source in SOURCES:
        for path in sorted((root / source).rglob("*.rs")):
            if path.name == "tests.rs":
                continue
            for line, name, length in long_functions(path):
                print(f"{path.relative_to(root)}:{line}: fn {name} is {length} lines (at most {MAX_LINES})")
                failures += 1
    for module in STORE_MODULES:
        for path in sorted((root / module).rglob("*.rs")):
            for line, name in serde_types(path):
                print(
                    f"{path.relative_to(root)}:{line}: {name} is a serialised type under a store module "
                    "(wire types live in hoso_model::protocol)"
                )
                failures += 1
    if failures:
        print(f"check-layout: {failures} finding(s)")
        return 1
    print("check-layout: no function over 120 lines, no serialised type under a store module")
    return 0


if __name__ == "__main__":
    sys.exit(main())
