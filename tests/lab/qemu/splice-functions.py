#!/usr/bin/env python3
"""Replace whole C function definitions in a source file by name.

usage: splice-functions.py REPLACEMENTS.c TARGET.c

Every top-level function defined in REPLACEMENTS.c (a line starting with
"static" whose name is followed by "(", through the next "}" in column 0)
replaces the definition of the same name in TARGET.c.  Anything else in
REPLACEMENTS.c (comments, #defines) is inserted just before the first
replaced definition that follows it.  A name that is not defined exactly once
in TARGET.c is an error: the lab would otherwise run an unpatched QEMU.

A replacement that calls NAME__qemu() wraps the original instead: the
original definition stays, renamed NAME__qemu, and the replacement follows it.
"""
import re
import sys

DEF_START = re.compile(r'^static\b[^;(]*?\b([A-Za-z_]\w*)\s*\(')


def definitions(lines):
    """Yield (name, first, last) for each top-level function definition."""
    i = 0
    while i < len(lines):
        m = DEF_START.match(lines[i])
        if m:
            j = i
            while j < len(lines) and not lines[j].startswith('{') \
                    and not lines[j].rstrip().endswith(';'):
                j += 1
            if j < len(lines) and lines[j].startswith('{'):
                k = j
                while k < len(lines) and lines[k].rstrip() != '}':
                    k += 1
                if k == len(lines):
                    sys.exit(f'unterminated definition of {m.group(1)}')
                yield m.group(1), i, k
                i = k + 1
                continue
        i += 1


def main():
    repl_path, target_path = sys.argv[1], sys.argv[2]
    repl = open(repl_path).read().splitlines(keepends=True)
    target = open(target_path).read().splitlines(keepends=True)

    # Split the replacement file into (preamble, name, body) pieces.
    pieces, cursor = [], 0
    for name, first, last in definitions(repl):
        pieces.append((repl[cursor:first], name, repl[first:last + 1]))
        cursor = last + 1
    if not pieces:
        sys.exit(f'{repl_path}: no function definitions')

    found = {}
    for name, first, last in definitions(target):
        found.setdefault(name, []).append((first, last))
    for _, name, _ in pieces:
        if len(found.get(name, [])) != 1:
            sys.exit(f'{target_path}: {name} is defined '
                     f'{len(found.get(name, []))} times, expected once')

    # Apply from the bottom up so earlier line numbers stay valid.
    for preamble, name, body in sorted(pieces, key=lambda p: -found[p[1]][0][0]):
        first, last = found[name][0]
        keep = [l for l in preamble if l.strip()]
        original = []
        if any(name + '__qemu(' in l for l in body):
            original = target[first:last + 1]
            original[0] = re.sub(r'\b%s\s*\(' % name, name + '__qemu(', original[0], count=1)
            original.append('\n')
        target[first:last + 1] = original + (keep + ['\n'] if keep else []) + body
    open(target_path, 'w').write(''.join(target))
    print(f'{target_path}: replaced ' + ', '.join(
        p[1] + (' (wrapped)' if any(p[1] + '__qemu(' in l for l in p[2]) else '') for p in pieces))


if __name__ == '__main__':
    main()
