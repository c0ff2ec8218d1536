"""Device fields the analysis itself reports it could not read because the
page was excluded from that dump (problems "device <name> name|driver (...)",
why "page excluded from the dump").

Two dumps written from the same memory (e.g. makedumpfile's compressed and
ELF outputs of one capture) can still differ in which pages they kept; where
the engine says so, that field is set aside when the two analyses are
compared.  Everything else must still be equal."""

import re

_WHAT = re.compile(r"^device (\S+) (name|driver) \(")


def excluded_fields(analysis):
    """{(device name, "name"|"driver")} reported as excluded reads."""
    out = set()
    for p in analysis.get("problems", []):
        m = _WHAT.match(p.get("what", ""))
        if m and p.get("why") == "page excluded from the dump":
            out.add((m.group(1), m.group(2)))
    return out


def without_excluded(a, b):
    """Copies of the two analyses' device lists with the fields either one
    reports excluded set to None in both."""
    gone = excluded_fields(a) | excluded_fields(b)

    def clean(x):
        devs = []
        for d in x.get("devices", []):
            d = dict(d)
            for field in ("name", "driver"):
                if (d.get("name"), field) in gone or (_pci_name(d), field) in gone:
                    d[field] = None
            devs.append(d)
        return devs
    return clean(a), clean(b)


def _pci_name(d):
    return "%04x:%s" % (d.get("segment", 0), d.get("bdf", ""))
