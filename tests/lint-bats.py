#!/usr/bin/env python3
"""lint-bats.py FILE...: find bats assertions that cannot fail.

Bats runs a test with errexit, and bash's errexit ignores a failure in any
command of an `a && b` list but the last, and the status of any `! cmd`
(bash(1), "set -e").  So a mid-test line `[ "$a" = x ] && [ "$b" = y ]`
passes when $a is wrong, and a mid-test `! grep -q x f` passes when f
holds x.  One assertion per line, and a negation written `! cmd || false`
(or `run ! cmd`), always fails the test when it should.

Rules, checked on the code outside quotes, $( ), ${ }, backticks, heredoc
bodies and comments, line by line (a line that ends in &&, || or |, ends
in a backslash, or leaves a string or substitution open goes on to the
next; offenders are reported at their first line):
  - a line with a top-level `&&` is flagged, unless it is the condition of
    an if/elif/while/until (then the part after `then`/`do` is checked);
  - a line whose first word is `!` is flagged, unless it ends in
    `|| false`, `|| return 1` or `|| exit 1`.
Write control flow as `if cond; then action; fi`, not `cond && action`,
and a function that returns a negation as `! cmd || return 1` (a one-line
`f() { ! cmd; }` passes: its first word is not `!`).

Prints FILE:LINE: TEXT for each offender; exits 1 if there is any, 0 if
there is none, 2 on a usage error.
"""
import re
import sys

TOP, SQ, ANSI, DQ, CMD, ARITH, PARAM, BTICK = range(8)


def lex(lines):
    """Yield (lineno, code, raw, more) for each physical line that is not
    in a heredoc body.  code holds only the line's top-level characters,
    each quoted or substituted part replaced by one "_"; more is true when
    the command goes on to the next line (an escaped newline, or a string
    or substitution still open)."""
    stack = [TOP]  # innermost context last
    depth = []  # parenthesis depth of each open CMD/ARITH
    heredocs = []  # (delimiter, strip tabs) pending on this line
    body = None  # (delimiter, strip tabs) whose body we are in
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if body:
            text = line.lstrip("\t") if body[1] else line
            if text == body[0]:
                body = heredocs.pop(0) if heredocs else None
            continue
        code = []
        i = 0
        while i < len(line):
            c, ctx = line[i], stack[-1]
            nxt = line[i + 1] if i + 1 < len(line) else ""
            if ctx == SQ:
                if c == "'":
                    stack.pop()
                i += 1
                continue
            if ctx == ANSI:
                if c == "\\":
                    i += 2
                    continue
                if c == "'":
                    stack.pop()
                i += 1
                continue
            if c == "\\":
                if ctx == TOP and i + 1 < len(line):
                    code.append("_")
                i += 2
                continue
            if ctx == DQ:
                if c == '"':
                    stack.pop()
                elif c == "$" and nxt in "({":
                    i = opensub(line, i, stack, depth)
                    continue
                elif c == "`":
                    stack.append(BTICK)
                i += 1
                continue
            if ctx == BTICK and c == "`":
                stack.pop()
                i += 1
                continue
            if ctx == PARAM and c == "}":
                stack.pop()
                i += 1
                continue
            if ctx in (CMD, ARITH) and c in "()":
                depth[-1] += 1 if c == "(" else -1
                if depth[-1] == 0:
                    depth.pop()
                    stack.pop()
                i += 1
                continue
            # TOP, CMD, PARAM or BTICK: quotes, substitutions, comments.
            if c == "#" and ctx != PARAM and (i == 0 or line[i - 1] in " \t;"):
                break
            if c == "'":
                stack.append(SQ)
            elif c == "$" and nxt == "'":
                stack.append(ANSI)
                i += 1
            elif c == '"':
                stack.append(DQ)
            elif c == "`":
                stack.append(BTICK)
            elif c == "$" and nxt in "({":
                if ctx == TOP:
                    code.append("_")
                i = opensub(line, i, stack, depth)
                continue
            elif c == "<" and line.startswith("<<", i) and ctx != ARITH:
                m = re.match(r"<<(-?)\s*(['\"]?)([\w.-]+)\2", line[i:])
                if m and not line.startswith("<<<", i):
                    heredocs.append((m.group(3), m.group(1) == "-"))
                    if ctx == TOP:
                        code.append(m.group(0))
                    i += len(m.group(0))
                    continue
            if ctx == TOP:
                code.append(c if stack[-1] == TOP else "_")
            i += 1
        if heredocs:
            body = heredocs.pop(0)
        more = stack[-1] != TOP or (line.endswith("\\") and i > len(line))
        yield n, "".join(code), line, more


def opensub(line, i, stack, depth):
    """Enter the $( ), $(( )) or ${ } starting at line[i]; return the index
    after its opening."""
    if line[i + 1] == "{":
        stack.append(PARAM)
        return i + 2
    if line.startswith("$((", i):
        stack.append(ARITH)
        depth.append(2)
        return i + 3
    stack.append(CMD)
    depth.append(1)
    return i + 2


def logical(lines):
    """Join physical lines into commands: a line goes on when it ends in
    &&, || or |, or when lex says so.  Yield (first lineno, code, raw text
    of the first line)."""
    start = None
    for n, code, raw, more in lex(lines):
        if start is None:
            start, parts, first = n, [], raw
        parts.append(code)
        if more or re.search(r"(&&|\|\||\|)\s*$", code):
            continue
        yield start, " ".join(parts), first
        start = None
    if start is not None:
        yield start, " ".join(parts), first


def offences(lines):
    for n, code, raw in logical(lines):
        words = code.split()
        if not words:
            continue
        check = code
        if words[0] in ("if", "elif", "while", "until"):
            m = re.search(r"(?:^|[;\s])(?:then|do)(?:\s|$)(.*)", code)
            check = m.group(1) if m else ""
        if "&&" in check:
            yield n, raw
        elif words[0] == "!" and not re.search(
            r"\|\|\s*(false|return 1|exit 1)\s*;?\s*$", code
        ):
            yield n, raw


def main(argv):
    if len(argv) < 2:
        print("usage: lint-bats.py FILE...", file=sys.stderr)
        return 2
    bad = 0
    for path in argv[1:]:
        with open(path, encoding="utf-8") as f:
            for n, raw in offences(f.readlines()):
                print(f"{path}:{n}: {raw.strip()}")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
