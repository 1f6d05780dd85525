"""The checker on the corpus in tests/fixtures/notices: exactly the findings a person wrote down for each."""

import json
import time
from pathlib import Path

import pytest

from jiuzhu.domain.notice_check import check_notice
from jiuzhu.domain.notice_check.reference import seed_reference
from jiuzhu.domain.problems import Severity

CORPUS = Path(__file__).parent.parent / "fixtures" / "notices"
NOTICES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def ref():
    return seed_reference()


def expected(path: Path, key: str) -> list[tuple[str, int]]:
    data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return sorted((e["code"], e["line"]) for e in data[key])


def found(problems, severity) -> list[tuple[str, int]]:
    return sorted((p.code, p.where.row) for p in problems if p.severity is severity)


def test_the_corpus_has_real_notices_and_variants():
    kinds = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))["kind"] for p in NOTICES]
    assert kinds.count("real") >= 5 and kinds.count("variant") >= 5
    assert all(p.with_suffix(".json").exists() for p in NOTICES)


@pytest.mark.parametrize("path", NOTICES, ids=[p.stem for p in NOTICES])
def test_findings_are_the_ones_written_down(path, ref):
    problems = check_notice(path.read_text(encoding="utf-8"), reference=ref)
    assert found(problems, Severity.ERROR) == expected(path, "errors")
    assert found(problems, Severity.WARNING) == expected(path, "warnings")


@pytest.mark.parametrize("path", NOTICES, ids=[p.stem for p in NOTICES])
def test_each_notice_checks_within_a_second(path, ref):
    text = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    check_notice(text, reference=ref)
    assert time.perf_counter() - start < 1.0


def test_correct_notices_get_no_error(ref):
    for name in (
        "daan-2022-18",
        "siping-2022-80",
        "shaoguan-2023-2",
        "zhejiang-2025-12",
        "tacheng-2023-xiada",
    ):
        text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
        assert not [p for p in check_notice(text, reference=ref) if p.severity is Severity.ERROR], name
