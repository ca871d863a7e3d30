"""The nine examples in docs/format-impor.md must import as written: a wrong example in the user guide costs
an operator more time than no example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bangkom.demodata.generator import KINDS
from bangkom.interchange.importer import run_import
from bangkom.org.models import Employee

DOC = Path(__file__).resolve().parents[2] / "docs" / "format-impor.md"


def _examples() -> dict[str, list[str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Contoh setiap berkas") : text.index("## NIP dan NI PPPK")]
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for line in section.splitlines():
        label = re.match(r"^`(\w+)\.csv`:", line)
        if label:
            current = label.group(1)
            blocks[current] = []
        elif current and line.startswith("    "):
            blocks[current].append(line[4:])
    return blocks


def test_every_kind_has_an_example_with_the_contract_header() -> None:
    blocks = _examples()
    assert list(blocks) == list(KINDS)
    for kind, lines in blocks.items():
        assert len(lines) >= 2, kind


def test_the_examples_import_without_refusals(db: Any, tmp_path: Path) -> None:
    for kind, lines in _examples().items():
        (tmp_path / f"{kind}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(tmp_path)
    assert result.ok, result.error_lines()
    assert Employee.objects.count() == 5
    assert Employee.objects.filter(employment_type="pppk").count() == 1
