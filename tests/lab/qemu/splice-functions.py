#!/usr/bin/env python3
"""Replace whole C function definitions in a source file by name.

usage: splice-functions.py REPLACEMENTS.c TARGET.c

Every top-level function defined in REPLACEMENTS.c replaces the definition of
the same name in TARGET.c.  A definition starts at a line that begins with
"static" and names a function ("NAME("), and ends where its braces balance
(strings, character literals and comments are skipped when counting).
Anything between definitions in REPLACEMENTS.c (comments, #defines, statics)
is inserted just before the replaced definition that follows it.

Functions named lab_* are REPLACEMENTS.c's own helpers: like the other text
between definitions, they go in before the definition that follows them.

A replacement that calls NAME__qemu() wraps the original instead: the
original definition stays, renamed NAME__qemu, and the replacement follows it.

Errors, each of which would otherwise run a silently different QEMU: a name
not defined exactly once in TARGET.c, a name defined twice in REPLACEMENTS.c,
and text after the last definition of REPLACEMENTS.c.
"""
import re
import sys

DEF_START = re.compile(r'^static\b[^;(=]*?\b([A-Za-z_]\w*)\s*\(')
TOKENS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|[{};]', re.S)


def definitions(text):
    """Yield (name, start, end) character offsets of top-level definitions."""
    starts = [(m.start(), m.group(1)) for m in re.finditer(DEF_START.pattern, text, re.M)]
    pos = 0
    for start, name in starts:
        if start < pos:
            continue                     # inside the previous definition
        depth, end = 0, None
        for t in TOKENS.finditer(text, start):
            tok = t.group(0)
            if tok == ';' and depth == 0:
                break                    # a prototype, not a definition
            if tok == '{':
                depth += 1
            elif tok == '}':
                depth -= 1
                if depth == 0:
                    end = t.end()
                    break
        if end is None:
            continue
        if end < len(text) and text[end] == '\n':
            end += 1
        yield name, start, end
        pos = end


def main():
    repl_path, target_path = sys.argv[1], sys.argv[2]
    repl = open(repl_path).read()
    target = open(target_path).read()

    pieces, cursor = [], 0
    for name, start, end in definitions(repl):
        if name.startswith('lab_'):
            continue                     # a helper: part of the next preamble
        pieces.append((repl[cursor:start], name, repl[start:end]))
        cursor = end
    if not pieces:
        sys.exit(f'{repl_path}: no function definitions')
    if repl[cursor:].strip():
        sys.exit(f'{repl_path}: text after the last definition would be lost: '
                 f'{repl[cursor:].strip()[:60]!r}')
    names = [p[1] for p in pieces]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        sys.exit(f'{repl_path}: defined more than once: {", ".join(dup)}')

    found = {}
    for name, start, end in definitions(target):
        found.setdefault(name, []).append((start, end))
    for name in names:
        if len(found.get(name, [])) != 1:
            sys.exit(f'{target_path}: {name} is defined '
                     f'{len(found.get(name, []))} times, expected once')

    # From the bottom up, so that earlier offsets stay valid.
    for preamble, name, body in sorted(pieces, key=lambda p: -found[p[1]][0][0]):
        start, end = found[name][0]
        keep = preamble.strip('\n')
        new = (keep + '\n\n' if keep.strip() else '') + body
        if name + '__qemu(' in body:
            original = target[start:end]
            original = re.sub(r'\b%s\s*\(' % name, name + '__qemu(', original, count=1)
            new = original + '\n' + new
        target = target[:start] + new + target[end:]
    open(target_path, 'w').write(target)
    print(f'{target_path}: replaced ' + ', '.join(
        n + (' (wrapped)' if n + '__qemu(' in b else '') for _, n, b in pieces))


if __name__ == '__main__':
    main()
