"""The curated directory file itself: shape, canonical tickers, and coverage of the seeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from store.entities.companies import DATA_FILE, CompanyDirectory, _norm
from store.entities.tickers import MARKETS, canonical_ticker, find_tickers

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

REQUIRED = {
    "key": str,
    "name": str,
    "short_name": str,
    "aliases": list,
    "chinese_name": str,
    "chinese_traditional": str,
    "chinese_aliases": list,
    "pinyin": str,
    "listings": list,
    "sector": str,
}
OPTIONAL = {"pinyin_aliases": list, "text_exclude": list}
CJK = re.compile(r"[\u4e00-\u9fff]")
PINYIN = re.compile(r"^[a-z0-9]+( [a-z0-9]+)*$")


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_file_is_a_list_of_at_least_150_companies(raw):
    assert isinstance(raw, list)
    assert len(raw) >= 150


def test_every_entry_has_every_field_with_its_type(raw):
    for entry in raw:
        assert set(REQUIRED) <= set(entry), entry.get("key")
        assert set(entry) <= set(REQUIRED) | set(OPTIONAL), entry["key"]
        for name, kind in {**REQUIRED, **OPTIONAL}.items():
            if name in entry:
                assert isinstance(entry[name], kind), (entry["key"], name)
        for name in ("aliases", "chinese_aliases", "listings", "pinyin_aliases", "text_exclude"):
            assert all(isinstance(x, str) and x.strip() == x and x for x in entry.get(name, []))
        assert entry["name"] and entry["short_name"] and entry["sector"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry["key"]), entry["key"]
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", entry["sector"]), entry["sector"]


def test_keys_are_unique(raw):
    keys = [e["key"] for e in raw]
    assert len(keys) == len(set(keys))


def test_chinese_names_and_pinyin_are_consistent(raw):
    for e in raw:
        zh, trad = e["chinese_name"], e["chinese_traditional"]
        if zh:
            assert CJK.search(zh), e["key"]
            assert PINYIN.match(e["pinyin"]), (e["key"], e["pinyin"])
        else:
            assert e["pinyin"] == "" and trad == "", e["key"]
        if trad:  # only where it differs, character for character
            assert trad != zh and len(trad) == len(zh), e["key"]
        for p in e.get("pinyin_aliases", []):
            assert PINYIN.match(p), (e["key"], p)
        for alias in e["chinese_aliases"]:
            assert CJK.search(alias), (e["key"], alias)
        for alias in e["aliases"]:
            assert not CJK.search(alias), (e["key"], alias)


def test_spot_check_pinyin_and_traditional(raw):
    by_key = {e["key"]: e for e in raw}
    assert by_key["smic"]["pinyin"] == "zhong xin guo ji"
    assert by_key["smic"]["chinese_traditional"] == "中芯國際"
    assert by_key["tencent"]["chinese_traditional"] == "騰訊控股"
    assert by_key["lenovo"]["chinese_aliases"] == ["联想"]
    assert by_key["jcet"]["pinyin"] == "chang dian ke ji"  # 长 read chang, not zhang
    assert by_key["alibaba"]["chinese_traditional"] == ""  # 阿里巴巴 is the same


def test_listings_are_canonical_tickers(raw):
    for e in raw:
        assert len(e["listings"]) == len(set(e["listings"])), e["key"]
        for t in e["listings"]:
            code, market = t.rsplit(".", 1)
            assert market in MARKETS, t
            assert canonical_ticker(code, market) == t, t


def test_no_ticker_belongs_to_two_companies(raw):
    owner: dict[str, str] = {}
    for e in raw:
        for t in e["listings"]:
            assert t not in owner, f"{t} in {owner.get(t)} and {e['key']}"
            owner[t] = e["key"]


def test_no_name_belongs_to_two_companies(raw):
    owner: dict[str, str] = {}
    for e in raw:
        names = {e["name"], e["short_name"], *e["aliases"], *e["chinese_aliases"]}
        names |= {e["chinese_name"], e["chinese_traditional"]} - {""}
        for n in {_norm(x) for x in names}:
            assert owner.get(n, e["key"]) == e["key"], f"{n!r}: {owner[n]} and {e['key']}"
            owner[n] = e["key"]


def test_text_exclude_names_are_names_of_the_entry(raw):
    for e in raw:
        names = {e["name"], e["short_name"], *e["aliases"], *e["chinese_aliases"]}
        names |= {e["chinese_name"], e["chinese_traditional"]}
        assert set(e.get("text_exclude", [])) <= names, e["key"]


def test_well_known_dual_listings():
    d = CompanyDirectory.bundled()
    expected = {
        "alibaba": ("BABA.US", "9988.HK"),
        "smic": ("0981.HK", "688981.SH"),
        "hua-hong": ("1347.HK", "688347.SH"),
        "china-mobile": ("0941.HK", "600941.SH"),
        "china-telecom": ("0728.HK", "601728.SH"),
        "china-unicom": ("0762.HK", "600050.SH"),
        "byd": ("1211.HK", "002594.SZ"),
        "catl": ("300750.SZ", "3750.HK"),
        "nio": ("NIO.US", "9866.HK"),
        "baidu": ("BIDU.US", "9888.HK"),
        "zte": ("0763.HK", "000063.SZ"),
    }
    for key, listings in expected.items():
        assert d.by_key(key).listings == listings, key


# Every ticker the seeds write, and the company it belongs to.
SEED_TICKERS = {
    "BABA.US": "alibaba",
    "0700.HK": "tencent",
    "1810.HK": "xiaomi",
    "600941.SH": "china-mobile",
    "0762.HK": "china-unicom",
    "601728.SH": "china-telecom",
    "601012.SH": "longi",
    "002415.SZ": "hikvision",
    "0981.HK": "smic",
    "002475.SZ": "luxshare",
    "0020.HK": "sensetime",
    "688052.SH": "novosense",
    "688223.SH": "jinko-solar",
    "688093.SH": "shihua-technology",
    "688255.SH": "kaierda",
    "688195.SH": "tengjing-technology",
    "688638.SH": "yuchen-intelligent",
    "688035.SH": "debang-technology",
    "688317.SH": "zhijiang-biology",
    "002241.SZ": "goertek",
    "002466.SZ": "tianqi-lithium",
    "688655.SH": "xunjiexing",
    "0992.HK": "lenovo",
}

# Companies the seeds name without a ticker.
SEED_NAMES = [
    "Huawei", "DJI", "BOE", "Foxconn", "Kuaishou", "ByteDance", "Tesla", "Nio", "Xpeng",
    "Li Auto", "Weibo", "Tencent Music", "Geely", "EHang", "WeRide", "Bilibili", "PayPal",
    "Ant Group", "Baidu", "TSMC", "CATL", "BYD", "Applied Materials", "Yitang", "GAC Group",
    "Evergrande Auto", "Nvidia", "Seres", "Lenovo", "Nokia", "Kyndryl", "IBM", "Amazon",
    "Apple", "Chery", "Figma", "Jaka", "Lotus", "Yutong Group", "Joyy", "UnionPay", "Walmart",
    "Beyond Meat", "Qualcomm", "China Literature", "DeepSeek", "Intel", "AMD", "OpenAI",
    "Mistral AI", "JinkoSolar Holdings", "Sea Limited", "联想", "屹唐",
]  # fmt: skip


def seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def test_every_ticker_in_the_seeds_is_listed_by_its_company():
    d = CompanyDirectory.bundled()
    written = {m.ticker for m in find_tickers(seed_text())}
    assert written == set(SEED_TICKERS)
    for ticker, key in SEED_TICKERS.items():
        company = d.by_ticker(ticker)
        assert company is not None and company.key == key, ticker


@pytest.mark.parametrize("name", SEED_NAMES)
def test_companies_the_seeds_name_are_in_the_directory(name):
    assert CompanyDirectory.bundled().by_name(name) is not None
