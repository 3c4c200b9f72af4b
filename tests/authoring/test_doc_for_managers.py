"""`qrules doc` for readers who do not write rules: terms as tables of tiers, messages with
their placeholders described, backticks in hints as code; `qrules rulesets`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.helpers import browser_dom, outline, run_cli

Write = Callable[[str, str | bytes], Path]

POLICY = """\
ruleset policy "Our policy"
  version "2"

rule NOTICE "Changes are announced early"
  ref "ISO 9001:2015 8.5.6"
  require change_control.notification >= 90 days
  message "Change notice is {change_control.notification}; we need 90 days"
  hint "Set `change_control.notification: 90 days`"

rule PARTS "Part numbers"
  ref "QP-2"
  require all p in scope.products: exists(p.part_number)
  message "Product {p.name} has no part number"

term AQL "Major-defect AQL" at quality.aql.major
  ref "QP-7"
  prefer <= 0.65
  accept <= 1.0 approval "Quality Director" "costs us a re-inspection"
  reject "too many lots with major defects pass"
"""


def test_markdown_terms_are_tables_of_tiers_and_placeholders_are_described(write: Write) -> None:
    path = write("policy.qr", POLICY)
    result = run_cli("doc", str(path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    table = lines.index("| position | values | approval by | why |")
    assert lines[table + 2 : table + 5] == [
        "| Preferred | `<= 0.65` |  |  |",
        "| Acceptable with approval | `<= 1.0` | Quality Director | costs us a re-inspection |",
        "| Rejected | any other value |  | too many lots with major defects pass |",
    ]
    assert "Message: Change notice is ‹notification›; we need 90 days" in lines
    assert "  - ‹notification›: the agreement's `change_control.notification`" in lines
    assert "Message: Product ‹name› has no part number" in lines
    assert "  - ‹name›: the `name` of each entry of `scope.products`" in lines
    assert "{" not in "\n".join(line for line in lines if line.startswith("Message"))


def test_html_shows_tiers_placeholders_and_code_in_a_real_browser(
    write: Write, tmp_path: Path
) -> None:
    out = tmp_path / "policy.html"
    path = write("policy.qr", POLICY.replace("`change_control", "`<b>change_control"))
    assert run_cli("doc", str(path), "--format", "html", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    outline(page)
    assert "Hint: Set <code>&lt;b&gt;change_control.notification: 90 days</code>" in page
    assert "<var>notification</var>" in page and "{change_control" not in page
    dom = browser_dom(out)
    assert "<td>Acceptable with approval</td><td><code>&lt;= 1.0</code></td>" in dom
    assert "<td>Quality Director</td>" in dom
    assert "<b>" not in dom  # escaped, never markup


def test_rulesets_lists_the_built_in_rulesets() -> None:
    result = run_cli("rulesets")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "version", "rules", "description"]
    names = [line.split()[0] for line in lines[1:]]
    assert "iso9001" in names and "software-delivery" in names
    iso = next(line for line in lines if line.startswith("iso9001 "))
    assert iso.split()[1:3] == ["2015.2", "25"] and "ISO 9001:2015" in iso


def test_placeholders_for_params_and_computed_values_are_named_briefly(write: Write) -> None:
    path = write(
        "param.qr",
        """\
        ruleset shared "Shared values"
          version "1"

        param notice = 90 days "The notice we need before a change"

        rule NOTICE "Changes are announced early"
          ref "ISO 9001:2015 8.5.6"
          let missing = if exists(change_control.approval_required) then "" else "no approval"
          require change_control.notification >= notice
          message "Notice {change_control.notification} is under {notice}; {missing}"
        """,
    )
    lines = run_cli("doc", str(path)).output.splitlines()
    assert "Message: Notice ‹notification› is under ‹notice›; ‹missing›" in lines
    assert (
        "  - ‹notice›: set by the repository, else the ruleset's default (`param notice`)" in lines
    )
    assert "  - ‹missing›: computed by the rule (`let missing`)" in lines
