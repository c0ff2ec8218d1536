#!/usr/bin/env bash
# The man page iommu-inflight(1) and the crash command's help, both generated
# from man/iommu-inflight.help: every option each front end's parser takes is
# documented in them as an option entry, both give the exit statuses the CLI
# returns (src/cli/cli.h) with their names (cli_exit_name), the page's
# version is --version's, groff and lexgrog take the page without a warning,
# and the help keeps what the crash tests require of it.
set -euo pipefail
cli=$1
build=$(dirname "$cli")
man=$build/man/iommu-inflight.1 help=$build/gen/crash_help.h
[ -f "$man" ] && [ -f "$help" ] || { echo "no $man or $help: make all writes them"; exit 1; }

warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
[ -z "$warn" ] || { echo "groff warns about $man:"; echo "$warn"; exit 1; }
lexgrog "$man" | grep -q 'iommu-inflight - ' || { echo "lexgrog finds no NAME line in $man"; exit 1; }
version=$("$cli" --version | sed -n 's/^iommu-inflight //p')
grep -q "^\.TH IOMMU.*\"iommu\\\\-inflight $version\"" "$man" ||
    { echo "the page's .TH does not carry version $version"; exit 1; }

python3 - "$man" "$help" <<'EOF'
import re, sys
man = open(sys.argv[1]).read()
help_h = open(sys.argv[2]).read()
bad = []

# the page's option entries: the line after each .TP, roff undone
lines = man.split("\n")
man_opts = set()
for i, l in enumerate(lines[:-1]):
    if l == ".TP":
        t = re.sub(r"\\f[BIR]", "", lines[i + 1]).replace("\\-", "-")
        man_opts.update(w.rstrip(",") for w in t.split())
# the help's option entries: "    -x arg   text" or "    --long" lines
help_lines = re.findall(r'^"(.*)",?$', help_h, re.M)
help_opts = set()
for l in help_lines:
    m = re.match(r"    (-\S+|\d)( |$)", l)
    if m:
        help_opts.add(m.group(1))

def short_opts(spec):
    return {"-" + c for c in spec if c.isalnum()}

def getopt_spec(path, func):
    src = open(path).read()
    m = re.search(func + r'\([^"]*"([^"]+)"', src)
    if not m:
        bad.append("no %s() option string in %s" % (func, path))
        return set()
    return short_opts(m.group(1))

ext = getopt_spec("extensions/iommu_inflight.c", "getopt")
for o in sorted(ext):
    if o not in help_opts:
        bad.append("crash help: option %s of the extension's parser is not an entry" % o)
    if o not in man_opts:
        bad.append("man page: option %s of the crash command is not an entry" % o)
analyze = getopt_spec("src/cli/cmd_analyze.c", "getopt_long")
longs = set("--" + n for n in re.findall(r'\{ "([a-z-]+)", (?:no|required)_argument',
                                           open("src/cli/cmd_analyze.c").read()))
replay = getopt_spec("src/cli/cmd_replay.c", "getopt")
log = set(re.findall(r'strcmp\(a, "(--?[a-z-]+)"\)', open("src/cli/cmd_log.c").read())) - {"--"}
for name, opts in (("analyze", analyze | longs), ("replay", replay), ("log", log)):
    if not opts:
        bad.append("no options found for %s" % name)
    for o in sorted(opts):
        if o not in man_opts:
            bad.append("man page: option %s of %s is not an entry" % (o, name))
for o in ("--version", "-V"):
    if o not in man_opts:
        bad.append("man page: %s is not an entry" % o)

# exit statuses: cli.h's numbers, cli_exit_name's names, in both outputs
codes = dict((int(v), k) for k, v in re.findall(r"CLI_EXIT_(\w+) = (\d+)", open("src/cli/cli.h").read()))
names = dict(re.findall(r'case CLI_EXIT_(\w+):\s*return "(\w+)"', open("src/cli/cmd_analyze.c").read()))
if not codes or set(codes.values()) != set(names):
    bad.append("cli.h's exit codes %s and cli_exit_name's %s differ" % (codes, names))
man_text = re.sub(r"\\f[BIR]", "", man).replace("\\-", "-")
for code, key in codes.items():
    word = names.get(key, "?")
    if not re.search(r'^"    %d +%s: ' % (code, word), help_h, re.M):
        bad.append("crash help: exit status %d (%s) is not an entry" % (code, word))
    if not re.search(r"^\.TP\n%d\n%s: " % (code, word), man_text, re.M):
        bad.append("man page: exit status %d (%s) is not an entry" % (code, word))
if ".SH \"EXIT STATUS\"" not in man or '"EXIT STATUS",' not in help_h:
    bad.append("an EXIT STATUS section is missing")

# what the crash tests read in `help iommu_inflight` (tests/crash/matrix_check.py);
# NAME, SYNOPSIS and DESCRIPTION are crash's own headings
sys.path.insert(0, "tests/crash")
from matrix_check import HELP_MUST
for s in HELP_MUST:
    if s not in ("NAME", "SYNOPSIS", "DESCRIPTION") and s not in help_h:
        bad.append("crash help lacks %r" % s)
for l in help_lines:
    if len(l.replace("%s>", "crash>")) > 80 and not l.startswith("    "):
        bad.append("crash help: text line over 80 columns: %r" % l)

if bad:
    print("\n".join(bad))
    sys.exit(1)
print("ok: %d option entries in the page, %d in the help, %d exit statuses"
      % (len(man_opts), len(help_opts), len(codes)))
EOF
