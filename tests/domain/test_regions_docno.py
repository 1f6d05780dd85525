import pytest

from jiuzhu.domain.docno import DocNoError, normalise_docno, parse_docno
from jiuzhu.domain.regions import load_seed_tree, mof_div_code

TREE = load_seed_tree()


@pytest.mark.parametrize(
    "key", ["和丰县", "和布克赛尔县", "和布克赛尔蒙古自治县", "654226", "654226000", " 和丰县 "]
)
def test_one_county_under_every_name(key):
    assert TREE.find(key).code == "654226"


def test_prefecture_own_level_and_unknown():
    assert TREE.find("地区本级").code == "654200"
    assert TREE.find("乌鲁木齐市") is None


def test_mof_div_code_and_ancestry():
    assert mof_div_code("654200") == "654200000"
    assert TREE.get("654225").mof_div_code == "654225000"
    assert TREE.is_within("654225", "654200") and TREE.is_within("654200", "654200")
    assert not TREE.is_within("654200", "654225")
    assert [n.short_name for n in TREE.ordered()][:4] == ["自治区", "地区本级", "塔城市", "额敏县"]


@pytest.mark.parametrize(
    "text",
    [
        "塔地财社〔2022〕82号",
        "塔地财社[2022]82号",
        "塔地财社【2022】82号",
        "塔地财社(2022)82号",
        "塔地财社（2022）82号",
        "塔地财社〔2022〕082号",
        " 塔地财社 〔2022〕 82号",
        "塔地财社［２０２２］８２号",
    ],
)
def test_docno_forms_normalise(text):
    assert normalise_docno(text) == "塔地财社〔2022〕82号"


def test_docno_parts_and_errors():
    d = parse_docno("新财社〔2021〕156号")
    assert (d.agency, d.year, d.serial) == ("新财社", 2021, 156)
    for bad in ["塔地财社2022年82号", "〔2022〕82号", "塔地财社〔22〕82号", "塔地财社〔2022〕0号"]:
        with pytest.raises(DocNoError):
            parse_docno(bad)
