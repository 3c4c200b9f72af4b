""".qrules.yaml: discovery, precedence, strict reading, rule overrides, file selection."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import Result

from qrules.config import compile_glob, declares_agreement, load_config
from tests.helpers import REPO, dedent, run_cli
from tests.report_helpers import TODAY

QUICKSTART = REPO / "examples" / "quickstart"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the quickstart policy and agreements, as the current folder."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "agreements").mkdir()
    for name in ("clean.yaml", "conflicting.yaml", "malformed.yaml"):
        (tmp_path / "agreements" / name).write_bytes((QUICKSTART / name).read_bytes())
    (tmp_path / "policy.qr").write_bytes((QUICKSTART / "policy.qr").read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(folder: Path, text: str) -> Path:
    path = folder / ".qrules.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return path


def check(*args: str) -> Result:
    return run_cli("check", *args, *TODAY)


def rules_of(result: Result) -> list[tuple[str, str]]:
    data = json.loads(result.output)
    return [(f["rule"], f["severity"]) for d in data["documents"] for f in d["findings"]]


def error_of(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


# ---------------------------------------------------------------------------- precedence


def test_the_configuration_chooses_rulesets_fail_on_and_schema(repo: Path) -> None:
    configure(repo, "rulesets: [policy.qr]\nfail-on: warning\n")
    result = check("agreements/conflicting.yaml", "-f", "json")
    assert json.loads(result.output)["rulesets"][0]["name"] == "quickstart"
    assert json.loads(result.output)["summary"]["failed"] == 1
    clean = check("agreements/clean.yaml")
    assert clean.exit_code == 0


def test_command_line_options_win_over_the_configuration(repo: Path) -> None:
    configure(repo, "rulesets: [policy.qr]\nfail-on: note\nschema: none\n")
    # `note` fails on the accept tier's note; --fail-on error does not.
    parts = repo / "only-note.yaml"
    parts.write_text((QUICKSTART / "clean.yaml").read_text().replace("major: 0.65", "major: 1.0"))
    assert check("only-note.yaml").exit_code == 1
    assert check("only-note.yaml", "--fail-on", "error").exit_code == 0
    iso = check("only-note.yaml", "-r", "iso9001", "-f", "json")
    assert json.loads(iso.output)["rulesets"][0]["name"] == "iso9001"
    malformed = check("agreements/malformed.yaml", "-f", "json", "--fail-on", "error")
    assert ("schema", "error") not in rules_of(malformed)  # schema: none from the file
    schema_auto = check("agreements/malformed.yaml", "-f", "json", "--schema", "auto")
    assert ("schema", "error") in rules_of(schema_auto)


def test_without_a_configuration_the_defaults_apply(repo: Path) -> None:
    result = check("agreements/clean.yaml", "-f", "json")
    assert json.loads(result.output)["rulesets"][0]["name"] == "iso9001"


# ---------------------------------------------------------------------------- discovery


def test_the_nearest_configuration_above_the_files_is_used(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(repo, "rulesets: [policy.qr]\n")
    monkeypatch.chdir(repo / "agreements")
    result = check("conflicting.yaml", "-f", "json")
    assert json.loads(result.output)["rulesets"][0]["name"] == "quickstart"
    monkeypatch.chdir("/")
    result = check(str(repo / "agreements" / "conflicting.yaml"), "-f", "json")
    assert json.loads(result.output)["rulesets"][0]["name"] == "quickstart"


def test_discovery_stops_at_the_repository_root(repo: Path) -> None:
    configure(repo, "fail-on: [oops\n")  # would be an error if it were read
    inner = repo / "inner"
    subprocess.run(["git", "init", "-q", str(inner)], check=True)
    (inner / "a.yaml").write_bytes((QUICKSTART / "clean.yaml").read_bytes())
    result = check(str(inner / "a.yaml"), "-r", str(repo / "policy.qr"))
    assert result.exit_code == 0


def test_config_and_no_config_choose_explicitly(repo: Path) -> None:
    configure(repo, "rulesets: [iso9000]\n")  # broken: only used when not overridden
    assert check("agreements/clean.yaml", "--no-config", "-r", "policy.qr").exit_code == 0
    other = repo / "other.yaml"
    other.write_text("rulesets: [policy.qr]\n")
    result = check("agreements/conflicting.yaml", "--config", str(other), "-f", "json")
    assert json.loads(result.output)["rulesets"][0]["name"] == "quickstart"
    both = check("agreements/clean.yaml", "--config", str(other), "--no-config")
    assert "--config and --no-config exclude each other" in error_of(both)


def test_without_paths_the_configurations_folder_is_checked(repo: Path) -> None:
    configure(repo, "rulesets: [policy.qr]\nexclude: [malformed.yaml]\n")
    (repo / "notes.yaml").write_text("just: some settings\n")
    result = check()
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("2 agreements checked: 1 passed, 1 failed")
    assert "notes.yaml" not in result.output


def test_without_paths_or_configuration_qrules_asks_for_paths(repo: Path) -> None:
    assert "name the agreement files or folders to check" in error_of(check())


# ---------------------------------------------------------------------------- strict reading


BAD_CONFIGURATIONS = {
    "unknown key": (
        "fail_on: error\n",
        ".qrules.yaml:1:1: error: unknown field `fail_on` in the configuration\n"
        "  fail_on: error\n"
        "  ^\n"
        "hint: did you mean `fail-on`?\n",
    ),
    "bad fail-on": (
        "fail-on: fatal\n",
        ".qrules.yaml:1:1: error: fail-on: fatal is not an allowed value\n"
        "  fail-on: fatal\n"
        "  ^\n"
        "hint: one of: error, warning, note\n",
    ),
    "duplicate key": (
        "fail-on: error\nfail-on: note\n",
        ".qrules.yaml:2:1: error: duplicate key `fail-on` (first on line 1)\n"
        "  fail-on: note\n"
        "  ^\n"
        "hint: remove one of the two, or merge them\n",
    ),
    "missing ruleset file": (
        "rulesets: [polcy.qr]\n",
        ".qrules.yaml:1:12: error: no ruleset file or folder `polcy.qr`\n"
        "  rulesets: [polcy.qr]\n"
        "             ^\n"
        "hint: paths are relative to the folder of .qrules.yaml\n",
    ),
    "unknown built-in ruleset": (
        "rulesets:\n  - iso9000\n",
        ".qrules.yaml:2:5: error: no built-in ruleset `iso9000` and no such file\n"
        "    - iso9000\n"
        "      ^\n"
        "hint: did you mean `iso9001`?\n",
    ),
    "override without reason": (
        "rules:\n  QS-AUDIT:\n    severity: warning\n",
        ".qrules.yaml:2:3: error: rules.QS-AUDIT: 'reason' is a required property\n"
        "    QS-AUDIT:\n"
        "    ^\n"
        "hint: add `reason`\n",
    ),
    "override that changes nothing": (
        "rules:\n  QS-AUDIT:\n    reason: just because\n",
        ".qrules.yaml:2:3: error: rules.QS-AUDIT changes nothing\n"
        "    QS-AUDIT:\n"
        "    ^\n"
        "hint: give severity: error|warning|note, or disabled: true\n",
    ),
    "disabled with a severity": (
        "rules:\n  QS-AUDIT: {disabled: true, severity: note, reason: x}\n",
        ".qrules.yaml:2:3: error: rules.QS-AUDIT: a disabled rule has no severity; give one or the other\n"
        "    QS-AUDIT: {disabled: true, severity: note, reason: x}\n"
        "    ^\n",
    ),
    "yes is not a boolean": (
        "rules:\n  QS-AUDIT:\n    disabled: yes\n    reason: x\n",
        ".qrules.yaml:3:5: error: rules.QS-AUDIT.disabled: `yes` is the boolean true to YAML 1.1 readers and a string to YAML 1.2 readers\n"
        "      disabled: yes\n"
        "      ^\n"
        'hint: write true if that is meant, or quote it: "yes"\n',
    ),
    "unknown override key": (
        "rules:\n  QS-AUDIT:\n    level: note\n    reason: x\n",
        ".qrules.yaml:3:5: error: unknown field `level` in rules.QS-AUDIT\n"
        "      level: note\n"
        "      ^\n"
        "hint: allowed here: disabled, reason, severity\n",
    ),
    "a reason that is not text": (
        "rules:\n  QS-AUDIT:\n    disabled: true\n    reason: 2027\n",
        ".qrules.yaml:4:5: error: rules.QS-AUDIT.reason: 2027 is not of type 'string'\n"
        "      reason: 2027\n"
        "      ^\n"
        'hint: quote it: "2027"\n',
    ),
    "reading the agreement cannot be turned off": (
        "rules:\n  yaml-syntax: {disabled: true, reason: x}\n",
        ".qrules.yaml:2:3: error: yaml-syntax cannot be overridden: an agreement qrules cannot read must never pass\n"
        "    yaml-syntax: {disabled: true, reason: x}\n"
        "    ^\n",
    ),
    "empty include": (
        "include: []\n",
        ".qrules.yaml:1:1: error: include: [] should be non-empty\n  include: []\n  ^\n",
    ),
    "pattern leaving the folder": (
        "exclude: [../other/*.yaml]\n",
        ".qrules.yaml:1:11: error: the pattern `../other/*.yaml` leaves the configuration's folder\n"
        "  exclude: [../other/*.yaml]\n"
        "            ^\n"
        "hint: patterns are relative to the folder of .qrules.yaml; `..` cannot match\n",
    ),
    "missing schema file": (
        "schema: nope.json\n",
        ".qrules.yaml:1:1: error: schema must be auto, none or a JSON Schema file; there is no file `nope.json`\n"
        "  schema: nope.json\n"
        "  ^\n"
        "hint: paths are relative to the folder of .qrules.yaml\n",
    ),
    "a YAML tag": (
        "rulesets: !!python/object:os.system x\n",
        ".qrules.yaml:1:11: error: the tag !!python/object:os.system is not allowed: a configuration holds plain values only\n"
        "  rulesets: !!python/object:os.system x\n"
        "            ^\n"
        "hint: remove the tag; qrules never constructs objects from YAML\n",
    ),
    "not a mapping": (
        "- iso9001\n",
        ".qrules.yaml:1:1: error: a configuration is a mapping of fields, not a list\n"
        "  - iso9001\n"
        "  ^\n",
    ),
    "invalid YAML": (
        "rulesets: [iso9001\n",
        ".qrules.yaml:2:1: error: while parsing a flow sequence; did not find expected ',' or ']'\n",
    ),
}


@pytest.mark.parametrize("case", BAD_CONFIGURATIONS, ids=str)
def test_a_bad_configuration_is_a_located_error(repo: Path, case: str) -> None:
    text, expected = BAD_CONFIGURATIONS[case]
    configure(repo, text)
    assert error_of(check("agreements/clean.yaml")) == expected


def test_an_unknown_rule_id_is_reported_at_its_key(repo: Path) -> None:
    configure(
        repo, "rulesets: [policy.qr]\nrules:\n  QS-AUDT:\n    disabled: true\n    reason: x\n"
    )
    assert error_of(check("agreements/clean.yaml")) == (
        ".qrules.yaml:3:3: error: rules: no rule `QS-AUDT` in the rulesets of this check\n"
        "    QS-AUDT:\n    ^\nhint: did you mean `QS-AUDIT`?\n"
    )


def test_an_empty_configuration_means_the_defaults(repo: Path) -> None:
    configure(repo, "# nothing set yet\n")
    config = load_config(repo / ".qrules.yaml")
    assert (config.rulesets, config.fail_on, config.schema, config.rules) == ((), None, None, ())


# ---------------------------------------------------------------------------- rule overrides


def test_a_new_severity_applies_to_every_finding_of_the_rule(repo: Path) -> None:
    configure(
        repo,
        """
        rulesets: [policy.qr]
        rules:
          QS-AUDIT:
            severity: warning
            reason: Audited yearly by the notified body
          QS-AQL:
            severity: warning
            reason: Fallback AQLs are discussed in the signing meeting
        """,
    )
    result = check("agreements/conflicting.yaml", "-f", "json")
    assert ("QS-AUDIT", "warning") in rules_of(result)
    assert ("QS-AQL", "warning") in rules_of(result)
    assert result.exit_code == 1  # other errors remain


def test_a_disabled_rule_reports_nothing(repo: Path) -> None:
    configure(
        repo,
        """
        rulesets: [policy.qr]
        rules:
          QS-CHANGE-NOTICE: {disabled: true, reason: Covered by the frame contract}
          QS-CHANGE-APPROVAL: {disabled: true, reason: Covered by the frame contract}
          QS-AUDIT: {disabled: true, reason: Notified body audits}
          QS-RETENTION: {severity: note, reason: Archive handled by us}
        """,
    )
    result = check("agreements/conflicting.yaml", "-f", "json")
    assert rules_of(result) == [
        ("QS-PARTS", "warning"),
        ("QS-AQL", "note"),
        ("QS-RETENTION", "note"),
    ]
    assert result.exit_code == 0


def test_loader_checks_can_change_severity(repo: Path) -> None:
    configure(repo, "rules:\n  yaml-ambiguous: {severity: error, reason: Be strict}\n")
    (repo / "a.yaml").write_text("agreement: qrules/v1\nflag: yes\n")
    result = check("a.yaml", "--schema", "none", "-r", "policy.qr", "-f", "json")
    assert ("yaml-ambiguous", "error") in rules_of(result)


# ---------------------------------------------------------------------------- choosing files


def test_include_and_exclude_filter_folders(repo: Path) -> None:
    configure(
        repo, "rulesets: [policy.qr]\ninclude: ['agreements/**']\nexclude: [malformed.yaml]\n"
    )
    (repo / "ci.yml").write_text("jobs: {}\n")
    result = check(".")
    assert result.output.splitlines()[-1].startswith("2 agreements checked")
    assert "ci.yml" not in result.output and "malformed" not in result.output


NOTHING_CHECKED = (
    "0 agreements checked: 0 passed, 0 failed (0 errors, 0 warnings, 0 notes, 0 waived)\n"
)


def test_named_files_are_checked_even_when_excluded(repo: Path) -> None:
    configure(repo, "rulesets: [policy.qr]\nexclude: [malformed.yaml]\n")
    result = check("agreements/malformed.yaml")
    assert "duplicate-key" in result.output
    hook = check("agreements/malformed.yaml", "--agreements-only")
    assert (hook.exit_code, hook.stdout) == (0, NOTHING_CHECKED)
    assert "no agreements selected" in hook.stderr


def test_agreements_only_skips_files_that_do_not_declare_agreement(repo: Path) -> None:
    configure(repo, "rulesets: [policy.qr]\n")
    (repo / "ci.yml").write_text("jobs:\n  build: {}\n")
    (repo / "notes.md").write_text("# Notes\n\nagreement: not front matter\n")
    result = check("ci.yml", "notes.md", "agreements/conflicting.yaml", "--agreements-only")
    assert result.exit_code == 1
    assert "ci.yml" not in result.output and "notes.md" not in result.output
    assert result.output.splitlines()[-1].startswith("1 agreement checked")
    nothing = check("ci.yml", "notes.md", "--agreements-only")
    assert (nothing.exit_code, nothing.stdout) == (0, NOTHING_CHECKED)
    assert "no agreements selected" in nothing.stderr


def test_with_include_the_hook_checks_what_it_matches(repo: Path) -> None:
    configure(repo, "rulesets: [policy.qr]\ninclude: ['contracts/*.json']\n")
    (repo / "contracts").mkdir()
    (repo / "contracts" / "a.json").write_text('{"type": "supplier-quality"}')
    result = check("contracts/a.json", "agreements/conflicting.yaml", "--agreements-only")
    assert "contracts/a.json:1:1: error QS-AUDIT " in result.output
    assert "— `audits` is missing" in result.output
    assert "conflicting.yaml" not in result.output


def test_agreement_declarations(tmp_path: Path) -> None:
    files = {
        "a.yaml": "# modeline\nagreement: qrules/v1\n",
        "b.yaml": "'agreement': qrules/v1\n",
        "c.yaml": "jobs:\n  agreement: nested\n",
        "d.md": "---\nagreement: qrules/v1\n---\n# Body\n",
        "e.md": "# Body\n\nagreement: in the text\n",
        "f.json": '{\n  "id": 1,\n  "agreement": "qrules/v1"\n}',
        "g.json": '{"properties": {"agreement": {}}}',
        "h.json": '{"agreement": "qrules/v1", broken',
    }
    declared = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        declared[name] = declares_agreement(tmp_path / name)
    assert declared == {
        "a.yaml": True,
        "b.yaml": True,
        "c.yaml": False,
        "d.md": True,
        "e.md": False,
        "f.json": True,
        "g.json": False,
        "h.json": True,
    }


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("*.yaml", ["a.yaml", "x/y/a.yaml", "a.yaml/b.json"], ["a.yml", "yaml"]),
        (
            "agreements/*.yaml",
            ["agreements/a.yaml"],
            ["agreements/x/a.yaml", "x/agreements/a.yaml"],
        ),
        ("agreements/**", ["agreements/a.yaml", "agreements/x/y.json"], ["other/a.yaml"]),
        ("**/drafts/**", ["drafts/a.yaml", "x/drafts/y/a.yaml"], ["drafts.yaml"]),
        ("fixtures", ["fixtures/a.yaml", "x/fixtures/b.yaml"], ["fixtures.yaml"]),
        ("fixtures/", ["fixtures/a.yaml"], ["x/fixtures"]),
        ("/top.yaml", ["top.yaml"], ["x/top.yaml"]),
        ("a?.[jy]ml", ["ab.yml", "x/ac.jml"], ["abc.yml", "a/.yml"]),
        ("[!a]*.yaml", ["b.yaml"], ["a.yaml"]),
    ],
)
def test_glob_patterns(pattern: str, matches: list[str], misses: list[str]) -> None:
    glob = compile_glob(pattern)
    assert [glob.matches(path) for path in matches] == [True] * len(matches)
    assert [glob.matches(path) for path in misses] == [False] * len(misses)


def test_the_configuration_schema_is_printed_and_accepts_every_shipped_configuration(
    tmp_path: Path,
) -> None:
    """Editors complete .qrules.yaml from `qrules schema --config`; the files qrules itself
    writes (qrules init) and documents are valid against it."""
    import jsonschema
    import yaml

    from tests.helpers import run_cli

    printed = json.loads(run_cli("schema", "--config").stdout)
    jsonschema.Draft202012Validator.check_schema(printed)
    run_cli("init", str(tmp_path))
    written = yaml.safe_load((tmp_path / ".qrules.yaml").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(printed).validate(written)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(printed).validate({"fail_on": "error"})
