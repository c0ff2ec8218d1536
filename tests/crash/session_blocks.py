"""What a scripted crash session printed, cut into the IIF_BEGIN <name> ...
IIF_END <name> blocks its command file asked for (tests/crash/run.sh and
tests/crash/matrix.sh), and the one JSON object of a block."""
import json
import re


def blocks(text):
    """The IIF_BEGIN <name> ... IIF_END <name> blocks of a crash session."""
    out = {}
    for m in re.finditer(r"^IIF_BEGIN (\w+)\n(.*?)^IIF_END \1$", text, re.S | re.M):
        out[m.group(1)] = m.group(2)
    return out


def parse_json_block(body):
    """The one JSON object in a block (crash may print notes around it)."""
    start = body.find("{")
    if start < 0:
        raise ValueError("no JSON object in the output: " + body.strip()[:200])
    obj, _ = json.JSONDecoder().raw_decode(body[start:])
    return obj
