"""CompanyDirectory: lookups, fuzzy matching, mention resolution, text linking, learning."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.entities.companies import Company, CompanyDirectory
from store.model import Mention

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def d() -> CompanyDirectory:
    return CompanyDirectory.bundled()


def keys(results) -> list[str]:
    return [c.key for c, _ in results]


def top(d: CompanyDirectory, query: str) -> str | None:
    results = d.match(query)
    return results[0][0].key if results else None


def seed_paragraph(name: str, contains: str) -> str:
    """The line of a seed document that contains `contains` (a whole paragraph there)."""
    for line in (SEEDS / name).read_text(encoding="utf-8").splitlines():
        if contains in line:
            return line
    raise AssertionError(f"{contains!r} not in {name}")


# -- lookups -----------------------------------------------------------------------------


def test_bundled_is_cached_and_complete(d):
    assert CompanyDirectory.bundled() is d
    assert len(d.companies) >= 150
    assert all(not c.learned for c in d.companies)


def test_company_round_trips_through_a_dict(d):
    for c in d.companies:
        assert Company.from_dict(c.to_dict()) == c
    alibaba = d.by_key("alibaba")
    assert alibaba.primary_ticker == "BABA.US"
    assert alibaba.to_dict()["listings"] == ["BABA.US", "9988.HK"]
    assert d.by_key("huawei").primary_ticker is None


def test_by_ticker_and_by_name(d):
    assert d.by_ticker("0700.HK").key == "tencent"
    assert d.by_ticker("688981.SH").key == "smic"
    assert d.by_ticker("0700") is None  # canonical spellings only
    assert d.by_name("ALIBABA-SW").key == "alibaba"
    assert d.by_name("alibaba group").key == "alibaba"
    assert d.by_name("中芯國際").key == "smic"
    assert d.by_name("阿里").key == "alibaba"
    assert d.by_name("Alibab") is None  # exact only


# -- match: tickers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("9988", "alibaba"),
        ("9988.HK", "alibaba"),
        ("BABA", "alibaba"),
        ("baba", "alibaba"),
        ("700", "tencent"),
        ("0700", "tencent"),
        ("00700.HK", "tencent"),
        ("HK:0700", "tencent"),
        ("700 HK", "tencent"),
        ("688981", "smic"),
        ("sh688981", "smic"),
        ("981", "smic"),
        ("0981.HK", "smic"),
        ("1347", "hua-hong"),
        ("688347.SH", "hua-hong"),
        ("300750", "catl"),
        ("00992", "lenovo"),
        ("002415", "hikvision"),
        ("NASDAQ: BIDU", "baidu"),
    ],
)
def test_match_any_ticker_spelling(d, query, key):
    results = d.match(query)
    assert results[0][0].key == key
    assert results[0][1] == 100.0


def test_a_code_listed_under_another_market_still_matches(d):
    # 600941 is a Shanghai code; typed with the wrong market it still finds China Mobile.
    results = d.match("600941.SZ")
    assert keys(results) == ["china-mobile"]
    assert results[0][1] < 100


def test_dual_listings_give_one_company(d):
    for query in ("9988", "BABA", "alibaba"):
        assert top(d, query) == "alibaba"
    for query in ("0981.HK", "688981", "981"):
        assert top(d, query) == "smic"
    for query in ("1347.HK", "688347"):
        assert top(d, query) == "hua-hong"


def test_unknown_ticker_finds_nothing(d):
    assert d.match("688999") == []
    assert d.match("ZZZZ") == []


# -- match: names, typos, pinyin, Chinese --------------------------------------------------


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Tencent", "tencent"),
        ("tencent holdings", "tencent"),
        ("Alibaba-SW", "alibaba"),
        ("tencnt", "tencent"),
        ("alibba", "alibaba"),
        ("hikvison", "hikvision"),
        ("luxshre", "luxshare"),
        ("cambrcon", "cambricon"),
        ("Tencent Music", "tencent-music"),
        ("tme", "tencent-music"),
        ("Li Auto", "li-auto"),
        ("Hua Hong", "hua-hong"),
        ("NOVOSENSE Micro", "novosense"),
    ],
)
def test_match_names_aliases_and_typos(d, query, key):
    assert top(d, query) == key


def test_exact_name_beats_longer_names_that_contain_it(d):
    results = d.match("Tencent")
    assert keys(results)[:2] == ["tencent", "tencent-music"]
    assert results[0][1] == 100.0 and results[1][1] < 90


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("lianxiang", "lenovo"),
        ("lian xiang", "lenovo"),
        ("zhongxin guoji", "smic"),
        ("zhongxinguoji", "smic"),
        ("zhong xin guo ji", "smic"),
        ("tengxun", "tencent"),
        ("tengxun yinyue", "tencent-music"),
        ("ningde shidai", "catl"),
        ("biyadi", "byd"),
        ("xiaomi", "xiaomi"),
        ("zhongxin guoij", "smic"),  # a typo in pinyin
    ],
)
def test_match_pinyin_with_or_without_spaces(d, query, key):
    assert top(d, query) == key


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("联想", "lenovo"),
        ("联想集团", "lenovo"),
        ("中芯国际", "smic"),
        ("中芯國際", "smic"),
        ("騰訊", "tencent"),
        ("腾讯", "tencent"),
        ("騰訊音樂", "tencent-music"),
        ("阿里", "alibaba"),
        ("華虹半導體", "hua-hong"),
        ("宁德时代", "catl"),
        ("比亚迪", "byd"),
        ("屹唐", "yitang"),
        ("中芯国际股价", "smic"),  # the name inside a longer query
    ],
)
def test_match_simplified_and_traditional_chinese(d, query, key):
    assert top(d, query) == key


def test_ambiguous_china_returns_a_few_sensible_names(d):
    results = d.match("China")
    assert 1 <= len(results) <= 5
    assert all(c.short_name.startswith("China ") for c, _ in results)
    assert all(score < 90 for _, score in results)  # none is a real match
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True)
    # a whole name scores higher than a whole-word-only hit
    assert d.match("China Mobile")[0][1] == 100.0


def test_ambiguous_tech_scores_below_real_matches(d):
    results = d.match("Tech")
    assert len(results) <= 5
    assert all(score < 80 for _, score in results)


def test_whole_word_later_in_a_name_scores_below_a_leading_one(d):
    scores = dict((c.key, s) for c, s in d.match("Bank", limit=10))
    assert scores["bank-of-china"] > scores["cmb"]  # "Bank of China" > "China Merchants Bank"


def test_short_latin_queries_only_match_exactly(d):
    assert keys(d.match("LI")) == ["li-auto"]  # its US ticker
    assert keys(d.match("jd")) == ["jd-com"]  # an exact alias
    assert d.match("ab") == []
    assert d.match("x") == []
    assert d.match("") == []
    assert d.match("   ") == []


def test_nonsense_matches_nothing(d):
    assert d.match("qwertyuiop") == []
    assert d.match("zzzz xxxx") == []


def test_limit_is_respected(d):
    assert len(d.match("China", limit=2)) == 2
    assert d.match("China", limit=0) == []


def _synthetic_directory(n: int) -> CompanyDirectory:
    rng = random.Random(7)
    syllables = ["zhong", "xin", "hua", "tai", "long", "bang", "ke", "ji", "neng", "yuan", "da"]
    extra = []
    for i in range(n):
        words = [rng.choice(syllables).title() + rng.choice(syllables) for _ in range(2)]
        name = " ".join(words) + " " + rng.choice(["Technology", "Group", "Holdings", "Micro"])
        extra.append(
            Company(
                key=f"synthetic-{i}",
                name=name,
                short_name=" ".join(words),
                aliases=(name.upper(),),
                chinese_name="",
                chinese_traditional="",
                chinese_aliases=(),
                pinyin=" ".join(words).lower(),
                listings=(f"{689000 + i}.SH",),
                sector="test",
            )
        )
    return CompanyDirectory((*CompanyDirectory.bundled().companies, *extra))


def test_match_is_fast_with_a_thousand_companies():
    big = _synthetic_directory(1000 - len(CompanyDirectory.bundled().companies))
    assert len(big.companies) == 1000
    queries = [
        "tencnt",
        "China",
        "zhongxin guoji",
        "中芯国际",
        "700",
        "Tech",
        "alibba",
        "lianxiang",
    ]
    # How fast match is at this size is the benchmark's to say (bench/run.py, filter p95).
    for q in queries:
        assert big.match(q), q
    assert top(big, "tencnt") == "tencent"


# -- resolve_mention -----------------------------------------------------------------------


XIAOMI_PARAGRAPH = seed_paragraph("000_8dddf056b50c37f7.txt", "Xiaomi Redmi K50 series")


def test_known_ticker_decides_even_when_the_name_is_misspelt(d):
    assert d.resolve_mention("Xiaoxi", "1810.HK", XIAOMI_PARAGRAPH).key == "xiaomi"
    assert d.resolve_mention("Xiaoxi", "1810.HK", "").key == "xiaomi"


def test_misspelt_name_without_ticker_is_checked_against_the_text(d):
    assert d.resolve_mention("Xiaoxi", None, XIAOMI_PARAGRAPH).key == "xiaomi"
    assert d.resolve_mention("Xiaoxi", None, "A paragraph about something else.") is None


def test_strong_name_match_without_known_ticker(d):
    assert d.resolve_mention("DJI Technology", None, "").key == "dji"
    assert d.resolve_mention("Tencnt", None, "").key == "tencent"
    assert d.resolve_mention("Hikvision", "002415.SZ", "").key == "hikvision"


@pytest.mark.parametrize(
    "name",
    ["Huiyi Technology", "Changjin Photonics", "Force Lingji", "Jiazhihong", "Foo Tech"],
)
def test_unknown_companies_are_not_forced_onto_known_ones(d, name):
    assert d.resolve_mention(name, None, f"{name} completed a financing round.") is None
    assert d.resolve_mention(name, "688999.SH", f"{name} said.") is None


# -- companies_in_text ---------------------------------------------------------------------


def test_text_names_tencent_in_the_kuaishou_story(d):
    text = seed_paragraph("001_ce5775964d962981.txt", "whose largest shareholder is tech giant")
    assert "tencent" in [c.key for c in d.companies_in_text(text)]
    text = seed_paragraph("001_ce5775964d962981.txt", "The TikTok-like Kuaishou could be")
    assert [c.key for c in d.companies_in_text(text)] == ["kuaishou"]


def test_text_names_tencent_music_then_tencent(d):
    text = seed_paragraph("001_ce5775964d962981.txt", "Tencent Music Entertainment Group (TME)")
    assert [c.key for c in d.companies_in_text(text)] == ["tencent-music", "tencent"]


def test_text_names_alibaba_in_the_paypal_story(d):
    text = seed_paragraph("001_ce5775964d962981.txt", "Taking full control of an indigenous firm")
    assert [c.key for c in d.companies_in_text(text)] == ["paypal", "alibaba", "tencent"]


def test_text_in_order_of_first_mention(d):
    text = seed_paragraph("001_ce5775964d962981.txt", "Nio, Xpeng and Li Auto")
    assert [c.key for c in d.companies_in_text(text)] == ["tesla", "nio", "xpeng", "li-auto"]


def test_text_names_chinese_companies(d):
    text = "PIF战略布局下的中东AI革命:联想(00992)如何借势成为隐形赢家。中芯国际与華虹半導體"
    # 联想 alone is a common word ("to associate"): it is found through its ticker instead.
    assert [c.key for c in d.companies_in_text(text)] == ["smic", "hua-hong"]
    assert [c.key for c in d.companies_in_text("联想集团发布财报")] == ["lenovo"]


@pytest.mark.parametrize(
    "text",
    [
        "an important update",
        "It will be an important litmus test.",
        "Sea levels are rising; the sea is warm.",
        "China Telecom president Li Zhengmao pegged its savings",  # Li is not Li Auto
        "Honor the agreement, he said.",
        "the Fourier transform of the signal",
        "a mistral wind; a lotus flower; apple pie",
        "美的生活 联想到 好未来",
        "The HKEX-listed company (HKEX: 0700)",
    ],
)
def test_text_traps_find_no_false_company(d, text):
    found = [c.key for c in d.companies_in_text(text)]
    assert found in ([], ["china-telecom"]), found


def test_text_matches_names_on_word_boundaries_and_in_headline_caps(d):
    assert [c.key for c in d.companies_in_text("TENCENT SHARES RISE")] == ["tencent"]
    assert d.companies_in_text("Tencentville and Alibabas") == []
    assert [c.key for c in d.companies_in_text("Alibaba-backed Ant Group")] == [
        "alibaba",
        "ant-group",
    ]


def test_linking_all_seeds_at_once_finds_what_each_seed_finds(d):
    # Speed per KB is measured by the benchmark's ingest figure, not here.
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    each = {c.key for text in texts for c in d.companies_in_text(text)}
    together = {c.key for c in d.companies_in_text("\n".join(texts))}
    assert together == each
    assert {"tencent", "alibaba", "byd"} <= together


# -- learned companies ---------------------------------------------------------------------


def test_learn_makes_a_learned_company_without_changing_the_directory(d):
    size = len(d.companies)
    foo = d.learn("Foo Tech", "688999.SH")
    assert foo.learned and foo.key == "foo-tech"
    assert foo.listings == ("688999.SH",) and foo.name == foo.short_name == "Foo Tech"
    assert len(d.companies) == size and d.by_ticker("688999.SH") is None


def test_learn_a_chinese_name_gets_pinyin(d):
    c = d.learn("测试科技", "688998.SH")
    assert c.chinese_name == "测试科技"
    assert c.pinyin == "ce shi ke ji"
    assert c.key == "ce-shi-ke-ji"


def test_learn_never_reuses_a_key(d):
    assert d.learn("Alibaba", "688997.SH").key != "alibaba"


def test_with_learned_finds_the_newcomer_everywhere(d):
    foo = d.learn("Foo Tech", "688999.SH")
    grown = d.with_learned([foo.to_dict()])
    assert len(grown.companies) == len(d.companies) + 1
    assert grown.by_ticker("688999.SH") == foo
    assert grown.by_key("foo-tech").learned
    assert top(grown, "688999") == "foo-tech"
    assert top(grown, "foo tech") == "foo-tech"
    assert [c.key for c in grown.companies_in_text("Shares of Foo Tech rose.")] == ["foo-tech"]
    assert grown.resolve_mention("Foo Tech", "688999.SH", "").key == "foo-tech"


def test_with_learned_never_overrides_curated_entries(d):
    clash_key = d.learn("Foo Tech", "688999.SH").to_dict() | {"key": "alibaba"}
    clash_ticker = d.learn("Not Tencent", "0700.HK").to_dict()
    grown = d.with_learned([clash_key, clash_ticker, {"broken": True}])
    assert grown.by_key("alibaba") == d.by_key("alibaba")
    assert grown.by_ticker("0700.HK").key == "tencent"
    assert len(grown.companies) == len(d.companies)


# -- link ----------------------------------------------------------------------------------


def test_link_resolves_header_mentions_and_text(d):
    linked = d.link([Mention("Xiaoxi", "1810.HK")], XIAOMI_PARAGRAPH)
    assert [c.key for c in linked.companies] == ["xiaomi"]
    assert linked.tickers == ["1810.HK"]
    assert linked.learned == []


def test_link_learns_a_newcomer_with_a_ticker(d):
    text = "Foo Tech (688999.SH) announced a buyback. Tencent was not involved."
    linked = d.link([Mention("Foo Tech", "688999.SH")], text)
    assert [c.key for c in linked.companies] == ["foo-tech", "tencent"]
    assert [c.key for c in linked.learned] == ["foo-tech"]
    assert linked.tickers == ["688999.SH"]


def test_link_finds_companies_by_tickers_written_in_text(d):
    text = "PIF战略布局下的中东AI革命:联想(00992)如何借势成为隐形赢家"
    linked = d.link([], text)
    assert [c.key for c in linked.companies] == ["lenovo"]
    assert linked.tickers == ["0992.HK"]


def test_an_unknown_ticker_does_not_join_a_similar_name_listed_on_that_market():
    from store.entities.companies import CompanyDirectory

    first = CompanyDirectory.bundled().learn("Company10 Photonics", "688900.SH")
    directory = CompanyDirectory.bundled().with_learned([first.to_dict()])
    assert directory.resolve_mention("Company15 Photonics", "688905.SH") is None
    assert directory.resolve_mention("Company10 Photonics", "688900.SH").key == first.key
    xiaomi = directory.resolve_mention("Xiaoxi", "1810.HK")
    assert xiaomi is not None and "1810.HK" in xiaomi.listings


NAME_PIECES = [
    "Tencent", "TENCENT", "Alibaba", "iQIYI", "BYD", "TCL科技", "TCL", "腾讯", "中芯国际", "NIO",
    "XTencent", "Tencentx", "Ping An", "China Mobile", "China", "Mobile", " ", "-", ".", "'",
    "3", "a", "\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NAME_PIECES), max_size=16).map("".join) | st.text(max_size=40))
def test_text_matches_are_the_plain_regex_matches(text: str) -> None:
    index = CompanyDirectory.bundled()._idx
    regexes, _ = index.text_regexes()
    plain = [(m.start(), m.end(), m.group(0)) for rx in regexes for m in rx.finditer(text)]
    assert index.regex_matches(text) == plain
    lookup = index.name_lookup()
    assert lookup is not None
    assert lookup.matches(text) == plain


def test_text_matches_looks_names_up_first_and_compiles_the_regexes_later(monkeypatch):
    from store.entities import companies

    monkeypatch.setattr(companies, "_LOOKUP_CHARS", 100)
    index = companies._Index(CompanyDirectory.bundled()._companies)
    text = "Tencent and TCL科技 said 腾讯 would buy NIO shares. " * 3
    looked_up = index.text_matches(text)
    assert index._text_regexes is None  # the first texts need no regexes
    assert {form for _, _, form in looked_up} == {"Tencent", "TCL科技", "腾讯", "NIO"}
    assert index.text_matches(text) == looked_up  # past 100 characters: by the regexes
    assert index._text_regexes is not None


def test_an_english_name_not_starting_with_a_letter_is_found_by_the_regexes():
    from store.entities import companies

    odd = companies.Company.from_dict(
        {"key": "dot", "name": ".Dot Labs", "listings": []}, learned=True
    )
    index = companies._Index([odd])
    assert index.name_lookup() is None
    assert index.text_matches("shares of .Dot Labs rose") == [(10, 19, ".Dot Labs")]


def test_learned_companies_are_found_in_text_beside_the_curated_ones():
    from store.entities.companies import CompanyDirectory

    directory = CompanyDirectory.bundled()
    for n in range(3):
        learned = directory.learn(f"Qingfeng{n} Photonics", f"68899{n}.SH")
        directory = directory.with_learned([learned.to_dict()])
    names = [c.name for c in directory.companies_in_text(
        "Qingfeng2 Photonics and Tencent said Qingfeng0 Photonics would follow."
    )]  # fmt: skip
    assert names == ["Qingfeng2 Photonics", "Tencent Holdings", "Qingfeng0 Photonics"]


LEARNED_NAME = st.text(
    st.sampled_from(list("AaBbTtXx09 .-'&é科技腾讯")), min_size=2, max_size=10
).filter(lambda n: n.strip())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(LEARNED_NAME, min_size=1, max_size=6),
    st.lists(st.sampled_from(["Ab", "AB", "Tx", "T", "x", "0", "9", " ", ".", "-", "'", "é",
                              "科技", "腾讯", "A科", "\n"]), max_size=20).map("".join),
)  # fmt: skip
def test_name_lookups_find_what_the_regexes_find_for_any_learned_names(names, text):
    from store.entities import companies

    learned = [
        companies.Company.from_dict({"key": f"k{n}", "name": name, "listings": []}, learned=True)
        for n, name in enumerate(names)
    ]
    index = companies._Index(learned)
    lookup = index.name_lookup()
    if lookup is not None:
        for probe in (text, text.join(names), "".join(names) + text):
            assert lookup.matches(probe) == index.regex_matches(probe)
