"""Writes tests/corpus/bad-agreements/ and its EXPECTED.json (run it from that folder)."""

import codecs
import json
from pathlib import Path

import yaml

base = (Path(__file__).resolve().parents[3] / "examples" / "quickstart" / "clean.yaml").read_text()
base = base.replace(
    "# yaml-language-server: $schema=../../qrules/schema/agreement.schema.json\n", ""
)
L = base.count("\n") + 1  # the first appended line


def write(name, text):
    Path(name).write_text(text, encoding="utf-8")


def write_bytes(name, raw):
    Path(name).write_bytes(raw)


def add(name, extra):
    write(name, base + extra)


def swap(name, old, new, extra=""):
    assert old in base
    write(name, base.replace(old, new) + extra)


add("tag-int-abc.yaml", "x-a: !!int abc\n")
add("tag-bool-maybe.yaml", "x-a: !!bool maybe\n")
add("tag-int-empty.yaml", 'x-a: !!int ""\n')
add("tag-float-empty.yaml", 'x-a: !!float ""\n')
add("tag-str-on-mapping.yaml", "x-a: !!str {b: 1}\n")
add("tag-map-on-scalar.yaml", "x-a: !!map text\n")
add("tag-on-key.yaml", "!!python/name:os.system x-a: 1\n")
add("tag-custom.yaml", "x-a: !secret value\n")
# Lines the fast path (document/fast_yaml.py) must leave to libyaml, which finds the problem
add("document-end-key.yaml", "... x-a: 1\n")
add("continuation-key.yaml", "x-a: text\n  more: words\n")
add("flow-duplicate-key.yaml", "x-a: {b: 1, b: 2}\n")
add("merge-key.yaml", "x-base: &b {a: 1}\nx-copy:\n  <<: *b\n")
add("multi-document.yaml", "---\nagreement: qrules/v1\n")
add("huge-integer.yaml", "x-a: " + "9" * 5000 + "\n")
add("nan.yaml", "x-a: .nan\n")
add("inf.yaml", "x-a: -.inf\n")
add("float-overflow.yaml", "x-a: 1.0e+999\n")
swap("huge-duration.yaml", "notification: 120 days", "notification: " + "9" * 400 + " days")
add("control-character.yaml", 'x-a: "bell\x07"\n')
swap("aql-decimals.yaml", "major: 0.65", "major: 0.40", "x-levels: [0.10, 0.010, 1.50, 0.40]\n")
swap("week-date.yaml", "effective: 2027-03-01", "effective: 2027-W01-1")
add(
    "waiver-bad-expiry.yaml",
    "waivers:\n  - rule: QS-AUDIT\n    reason: pending\n"
    "    approved_by: Q. Director\n    expires: 2026-02-30\n",
)
add("date-overflow.yaml", "term: 8000 years\n")
add(
    "sampling-huge.yaml",
    "inspection:\n  standard: ISO 2859-1\n  level: II\n  lot_size: 500000\n"
    "  sample_size: 100000\n  accept: 50000\n  reject: 50001\n",
)
swap("provider-role.yaml", "role: supplier", "role: provider")
write("whitespace-only.yaml", "  \n\n\t\n")
write("empty.json", "")
write("comment-only.yaml", "# nothing here\n")
write_bytes("utf16.yaml", base.encode("utf-16"))
write_bytes("utf16-no-bom.yaml", base.encode("utf-16-le"))
latin = base.replace("—", "-").replace("Stål", "Stal") + "x-owner: Müller\n"
write_bytes("latin1.yaml", latin.encode("latin-1"))
write_bytes("bom-utf8.yaml", codecs.BOM_UTF8 + base.encode())

data = yaml.safe_load(base)
data["effective"] = str(data["effective"])
js = json.dumps(data, indent=2, ensure_ascii=False)
J = js.count("\n") + 1  # the appended line


def jadd(name, tail):
    write(name, js[:-2] + ",\n" + tail + "\n}\n")


write("json-non-bmp-escape.json", js.replace('"title": "', '"title": "\\ud83d\\ude00 '))
write("json-lone-surrogate.json", js.replace('"title": "', '"title": "\\ud83d '))
jadd("json-long-key.json", '  "x-' + "k" * 1100 + '": 1')
jadd("json-deep.json", '  "x-deep": ' + "[" * 1500 + "]" * 1500)
jadd("json-duplicate-key.json", '  "title": "again"')
jadd("json-nan.json", '  "x-a": NaN')
jadd("json-infinity.json", '  "x-a": -Infinity')
jadd("json-huge-integer.json", '  "x-a": ' + "9" * 5000)
jadd("json-trailing-comma.json", '  "x-a": 1,')

# file -> [[rule, line], ...] of qrules' own and the corpus policy's findings (error or
# warning); the quickstart policy's findings are not listed.
expected = {
    **{
        name: [["yaml-tag", L]]
        for name in (
            "tag-int-abc.yaml",
            "tag-bool-maybe.yaml",
            "tag-int-empty.yaml",
            "tag-float-empty.yaml",
            "tag-str-on-mapping.yaml",
            "tag-map-on-scalar.yaml",
            "tag-on-key.yaml",
            "tag-custom.yaml",
        )
    },
    "merge-key.yaml": [["yaml-tag", L + 2]],
    "document-end-key.yaml": [["yaml-syntax", L]],
    "continuation-key.yaml": [["yaml-syntax", L + 1]],
    "flow-duplicate-key.yaml": [["duplicate-key", L]],
    "multi-document.yaml": [["yaml-syntax", L]],
    "huge-integer.yaml": [["yaml-limits", L]],
    "nan.yaml": [["non-finite", L]],
    "inf.yaml": [["non-finite", L]],
    "float-overflow.yaml": [["non-finite", L]],
    "huge-duration.yaml": [["schema", 29]],
    "control-character.yaml": [["yaml-syntax", L]],
    "aql-decimals.yaml": [],
    "week-date.yaml": [["schema", 7]],
    "waiver-bad-expiry.yaml": [["schema", L + 4], ["waiver", L + 1]],
    "date-overflow.yaml": [["HOSTILE-END-DATE", L]],
    "sampling-huge.yaml": [],
    "provider-role.yaml": [],
    "whitespace-only.yaml": [["yaml-syntax", 1]],
    "empty.json": [["yaml-syntax", 1]],
    "comment-only.yaml": [["yaml-syntax", 1]],
    "utf16.yaml": [["document-unreadable", 1]],
    "utf16-no-bom.yaml": [["document-unreadable", 1]],
    "latin1.yaml": [["document-unreadable", L]],
    "bom-utf8.yaml": [],
    "json-non-bmp-escape.json": [],
    "json-lone-surrogate.json": [],
    "json-long-key.json": [],
    "json-deep.json": [["yaml-limits", J]],
    "json-duplicate-key.json": [["duplicate-key", J]],
    "json-nan.json": [["yaml-syntax", J]],
    "json-infinity.json": [["yaml-syntax", J]],
    "json-huge-integer.json": [["yaml-limits", J]],
    "json-trailing-comma.json": [["yaml-syntax", J + 1]],
}
write("EXPECTED.json", json.dumps(expected, indent=1, sort_keys=True))
