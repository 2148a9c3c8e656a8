"""A synthetic corpus in the four seed layouts, for the benchmark.

Documents of 20-40 items each, written the way the seeds are (EqualOcean quarterly report,
Caixin listing page, STAR Market Daily brief, search-results digest), dated over about three
years, with companies and tickers from the directory. About 10% of the items are reprints of
a story from an earlier document of the same layout (STAR briefs sometimes shout the
reprinted headline in capitals, EqualOcean reports sometimes title-case it), which the store
is expected to recognise as the same story. Deterministic for a given seed.

    python bench/corpus.py --n 1000 --out /tmp/corpus [--seed 0] [--check]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `store` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LAYOUTS = ("equalocean_report", "caixin_listing", "star_daily", "search_digest")
LAYOUT_WEIGHTS = (0.2, 0.3, 0.3, 0.2)
DUPLICATE_SHARE = 0.10
ITEMS_PER_DOCUMENT = (20, 40)
START = datetime(2022, 1, 3, 9, 0)
SPAN_DAYS = 3 * 365

# ----------------------------------------------------------------------------- companies


@dataclass(frozen=True, slots=True)
class CorpusCompany:
    """What the generator needs to know about a company."""

    name: str
    short: str
    chinese: str
    tickers: tuple[str, ...]  # canonical, primary first


# Used until store/companies.json is there (and for bare checkouts): name, short, Chinese,
# canonical tickers.
FALLBACK_COMPANIES = [
    CorpusCompany(*row)
    for row in [
        ("Tencent Holdings", "Tencent", "腾讯", ("0700.HK",)),
        ("Alibaba Group", "Alibaba", "阿里巴巴", ("BABA.US", "9988.HK")),
        ("Baidu", "Baidu", "百度", ("BIDU.US", "9888.HK")),
        ("JD.com", "JD.com", "京东", ("JD.US", "9618.HK")),
        ("Meituan", "Meituan", "美团", ("3690.HK",)),
        ("Xiaomi", "Xiaomi", "小米", ("1810.HK",)),
        ("Lenovo Group", "Lenovo", "联想", ("0992.HK",)),
        ("Semiconductor Manufacturing International", "SMIC", "中芯国际", ("0981.HK", "688981.SH")),
        ("BYD", "BYD", "比亚迪", ("1211.HK", "002594.SZ")),
        ("NIO", "NIO", "蔚来", ("NIO.US", "9866.HK")),
        ("XPeng", "XPeng", "小鹏汽车", ("XPEV.US", "9868.HK")),
        ("Li Auto", "Li Auto", "理想汽车", ("LI.US", "2015.HK")),
        ("Contemporary Amperex Technology", "CATL", "宁德时代", ("300750.SZ",)),
        ("China Mobile", "China Mobile", "中国移动", ("0941.HK", "600941.SH")),
        ("China Telecom", "China Telecom", "中国电信", ("0728.HK", "601728.SH")),
        ("China Unicom", "China Unicom", "中国联通", ("0762.HK", "600050.SH")),
        ("Hikvision", "Hikvision", "海康威视", ("002415.SZ",)),
        ("Luxshare Precision", "Luxshare", "立讯精密", ("002475.SZ",)),
        ("BOE Technology", "BOE", "京东方", ("000725.SZ",)),
        ("LONGi Green Energy Technology", "LONGi", "隆基绿能", ("601012.SH",)),
        ("SenseTime", "SenseTime", "商汤", ("0020.HK",)),
        ("Kuaishou Technology", "Kuaishou", "快手", ("1024.HK",)),
        ("NetEase", "NetEase", "网易", ("NTES.US", "9999.HK")),
        ("PDD Holdings", "PDD", "拼多多", ("PDD.US",)),
        ("Goertek", "Goertek", "歌尔股份", ("002241.SZ",)),
        ("Tianqi Lithium", "Tianqi Lithium", "天齐锂业", ("002466.SZ", "9696.HK")),
        ("JinkoSolar", "JinkoSolar", "晶科能源", ("688223.SH",)),
        ("NOVOSENSE Microelectronics", "NOVOSENSE", "纳芯微", ("688052.SH",)),
        ("Hua Hong Semiconductor", "Hua Hong", "华虹半导体", ("1347.HK", "688347.SH")),
        ("Cambricon Technologies", "Cambricon", "寒武纪", ("688256.SH",)),
        ("Seres Group", "Seres", "赛力斯", ("601127.SH",)),
        ("GAC Group", "GAC", "广汽集团", ("2238.HK", "601238.SH")),
        ("Geely Automobile", "Geely", "吉利汽车", ("0175.HK",)),
        ("ZTE", "ZTE", "中兴通讯", ("0763.HK", "000063.SZ")),
        ("Bilibili", "Bilibili", "哔哩哔哩", ("BILI.US", "9626.HK")),
        ("Trip.com Group", "Trip.com", "携程", ("TCOM.US", "9961.HK")),
        ("Sunny Optical Technology", "Sunny Optical", "舜宇光学", ("2382.HK",)),
        ("Naura Technology", "Naura", "北方华创", ("002371.SZ",)),
        ("iFlytek", "iFlytek", "科大讯飞", ("002230.SZ",)),
        ("Huawei Technologies", "Huawei", "华为", ()),
        ("ByteDance", "ByteDance", "字节跳动", ()),
        ("DJI Technology", "DJI", "大疆", ()),
    ]
]


def load_companies() -> list[CorpusCompany]:
    """The bundled directory's companies when it is there, else the small fallback list."""
    try:
        from store.entities.companies import CompanyDirectory

        directory = CompanyDirectory.bundled()
    except Exception:  # not written yet, or companies.json missing: the generator still works
        return list(FALLBACK_COMPANIES)
    companies = []
    for c in directory.companies:
        if getattr(c, "learned", False) or not c.name:
            continue
        short = c.short_name or c.name
        companies.append(CorpusCompany(c.name, short, c.chinese_name or "", tuple(c.listings)))
    return companies or list(FALLBACK_COMPANIES)


def equalocean_listing(ticker: str) -> str:
    """`0700.HK` → `0700: HK`, `BABA.US` → `BABA: NYSE` (the report's header spelling)."""
    code, market = ticker.rsplit(".", 1)
    return f"{code}: {'NYSE' if market == 'US' else market}"


def digest_code(ticker: str) -> str:
    """How digests write a code after a Chinese name: `00992` for Hong Kong, else as is."""
    code, market = ticker.rsplit(".", 1)
    return code.zfill(5) if market == "HK" else code


# ----------------------------------------------------------------------------- vocabulary

CITIES = (
    "Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu", "Chongqing", "Wuhan", "Suzhou",
    "Hefei", "Guangzhou", "Nanjing", "Xi'an", "Tianjin", "Changsha", "Qingdao", "Xiamen",
    "Dongguan", "Ningbo", "Wuxi", "Zhengzhou",
)  # fmt: skip
REGULATORS = (
    "the State Administration for Market Regulation",
    "the Cyberspace Administration of China",
    "the China Securities Regulatory Commission",
    "the Ministry of Industry and Information Technology",
    "the National Development and Reform Commission",
    "the Shanghai Stock Exchange",
)
INVESTORS = (
    "Sequoia China", "Hillhouse Capital", "IDG Capital", "Qiming Venture Partners",
    "China Mobile Equity Fund", "Shenzhen Capital Group", "CICC Capital", "Legend Capital",
    "Matrix Partners China", "the National Integrated Circuit Industry Investment Fund",
)  # fmt: skip
PRODUCTS = (
    "large language model", "AI chip", "smart cockpit system", "foldable smartphone",
    "solid-state battery", "lidar sensor", "cloud computing platform", "autonomous driving kit",
    "industrial robot", "OLED panel", "5G base station", "data center GPU cluster",
    "electric SUV", "AR headset", "power semiconductor module", "sodium-ion battery",
    "wafer cleaning tool", "smart home hub", "satellite internet terminal", "humanoid robot",
)  # fmt: skip
FIELDS = (
    "artificial intelligence", "cloud computing", "new energy vehicles", "semiconductors",
    "cross-border e-commerce", "energy storage", "intelligent driving", "industrial internet",
    "computing power", "digital payments", "photovoltaics", "biomedicine",
)  # fmt: skip
PEOPLE = (
    "Liu Wei", "Zhang Yong", "Wang Tao", "Chen Jie", "Li Na", "Zhao Lei", "Huang Min",
    "Zhou Hong", "Wu Gang", "Xu Jing", "Sun Hao", "Ma Lin", "Hu Bin", "Guo Qiang", "Lin Fang",
)  # fmt: skip
AUTHORS = (
    "Ding Yi", "Anniek Bao", "Han Wei", "Qian Tong", "Yuan Ruiyang", "Wang Xintong",
    "Luo Meihan", "Zhang Erchi", "Liu Peilin", "Cai Xuejiao",
)  # fmt: skip
EQUALOCEAN_AUTHORS = ("Fuller Wang", "Yiyi Zhou", "Leo Liu", "Pingping Hu", "Gregory Zhang")
SECTORS = (
    "Sci-Tech Innovation Sectors", "Semiconductors", "New Energy Vehicles", "Consumer Tech",
    "Cloud and AI", "Telecommunications", "Clean Energy", "Fintech",
)  # fmt: skip
OUTLETS = (
    "Sou Hu Cai Jing", "Zhong Guo Qi Che Bao Wang", "Xin Hua Cai Jing", "Tai Mei Ti A P P",
    "Zhi Tong Cai Jing", "Jing Ji Guan Cha Wang", "Di Yi Cai Jing", "Ge Long Hui",
)  # fmt: skip
DIGEST_KEYWORDS = (
    "技术主权", "人工智能", "半导体", "新能源汽车", "芯片出口", "算力", "储能", "港股IPO",
    "自动驾驶", "稀土", "光伏", "大模型",
)  # fmt: skip
CN_PRODUCTS = ("大模型", "AI芯片", "智能座舱", "固态电池", "激光雷达", "人形机器人", "折叠屏手机")
STAR_SECTIONS = (
    "Hot Spotlight", "Company Aspect", "Market dynamics", "Venture capital vane",
    "Announcement of the Science and Technology Innovation Board",
    "Frontier of science and technology",
)  # fmt: skip
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(slots=True)
class Fill:
    """The words one story is made of."""

    company: CorpusCompany
    other: CorpusCompany
    rng: random.Random
    when: datetime

    def pick(self, options):
        return self.rng.choice(options)

    def pct(self) -> str:
        return f"{self.rng.uniform(1.5, 180):.2f}"

    def money(self, low: float, high: float) -> str:
        return f"{self.rng.uniform(low, high):.{self.rng.choice((0, 1, 2))}f}"

    def month(self) -> str:
        return MONTH_NAMES[self.when.month - 1]


# Each event: an English headline (subject, claim) and a lead sentence.
EventMaker = Callable[[Fill], tuple[str, str, str]]


def _earnings(f: Fill) -> tuple[str, str, str]:
    q = f.pick(("first-quarter", "second-quarter", "third-quarter", "fourth-quarter", "full-year"))
    rev, pct = f.money(3, 600), f.pct()
    verb = f.pick(("rises", "jumps", "climbs", "falls", "slips"))
    claim = f"{q} revenue {verb} {pct}% to {rev} billion yuan"
    lead = (
        f"{f.company.name} reported {q} revenue of {rev} billion yuan, a change of {pct}% "
        f"from a year earlier, as demand for its {f.pick(PRODUCTS)} business shifted."
    )
    return f.company.short, claim, lead


def _financing(f: Fill) -> tuple[str, str, str]:
    amount, series = f.money(50, 3000), f.pick(("A", "A+", "B", "B+", "C", "D", "pre-IPO"))
    investor = f.pick(INVESTORS)
    claim = f"raises {amount} million yuan in Series {series} round led by {investor}"
    lead = (
        f"{f.company.name} has completed a Series {series} financing round of {amount} million "
        f"yuan led by {investor}, with the proceeds earmarked for {f.pick(FIELDS)} research."
    )
    return f.company.short, claim, lead


def _launch(f: Fill) -> tuple[str, str, str]:
    product = f.pick(PRODUCTS)
    model = f"{f.rng.choice('AXKMPSG')}{f.rng.randint(2, 99)}"
    claim = f"unveils {model} {product} to take on {f.other.short}"
    lead = (
        f"{f.company.name} unveiled the {model}, a {product} that it says outperforms rival "
        f"offerings from {f.other.name} by {f.pct()}% on its own benchmarks."
    )
    return f.company.short, claim, lead


def _partnership(f: Fill) -> tuple[str, str, str]:
    field_ = f.pick(FIELDS)
    city = f.pick(CITIES)
    claim = f"signs {field_} pact with {f.other.short} in {city}"
    lead = (
        f"{f.company.name} and {f.other.name} signed a strategic cooperation agreement in "
        f"{city} covering {field_}, according to a statement released by both companies."
    )
    return f.company.short, claim, lead


def _listing(f: Fill) -> tuple[str, str, str]:
    amount = f.money(0.2, 5)
    venue = f.pick(("Hong Kong", "the STAR Market", "Nasdaq", "the Shenzhen ChiNext board"))
    claim = f"files for {venue} listing to raise up to ${amount} billion"
    lead = (
        f"{f.company.name} has filed a prospectus for a listing on {venue} that could raise "
        f"as much as ${amount} billion, people familiar with the matter said."
    )
    return f.company.short, claim, lead


def _executive(f: Fill) -> tuple[str, str, str]:
    person, role = (
        f.pick(PEOPLE),
        f.pick(("chief executive", "chairman", "chief financial officer")),
    )
    claim = f"names {person} {role} in leadership reshuffle"
    lead = (
        f"{f.company.name} appointed {person} as {role} on {f.month()} {f.when.day}, the latest "
        f"in a series of management changes at the {f.pick(FIELDS)} company."
    )
    return f.company.short, claim, lead


def _buyback(f: Fill) -> tuple[str, str, str]:
    low = f.rng.randint(2, 40) * 10
    high = low * 2
    claim = f"plans to buy back {low} million to {high} million yuan of shares"
    lead = (
        f"{f.company.name} said its chairman proposed repurchasing shares worth {low} million "
        f"to {high} million yuan to support the stock after a {f.pct()}% decline this year."
    )
    return f.company.short, claim, lead


def _fine(f: Fill) -> tuple[str, str, str]:
    regulator, amount = f.pick(REGULATORS), f.money(1, 900)
    issue = f.pick(("data security lapses", "unfair competition", "misleading disclosures"))
    claim = f"fined {amount} million yuan over {issue}"
    lead = (
        f"{f.company.name} was fined {amount} million yuan by {regulator} over {issue}, "
        f"the regulator said in a notice posted on its website."
    )
    return f.company.short, claim, lead


def _plant(f: Fill) -> tuple[str, str, str]:
    amount, city = f.money(1, 120), f.pick(CITIES)
    what = f.pick(("battery plant", "wafer fab", "data center", "vehicle factory", "R&D campus"))
    claim = f"to invest {amount} billion yuan in {city} {what}"
    lead = (
        f"{f.company.name} will invest {amount} billion yuan to build a {what} in {city}, "
        f"which is expected to start operating in {f.when.year + f.rng.randint(1, 3)}."
    )
    return f.company.short, claim, lead


def _deliveries(f: Fill) -> tuple[str, str, str]:
    units = f"{f.rng.randint(3_000, 400_000):,}"
    claim = f"shipped {units} units in {f.month()}, up {f.pct()}% on year"
    lead = (
        f"{f.company.name} shipped {units} units in {f.month()}, its data showed, as "
        f"competition with {f.other.name} intensified in the domestic market."
    )
    return f.company.short, claim, lead


EVENTS: tuple[EventMaker, ...] = (
    _earnings, _financing, _launch, _partnership, _listing, _executive, _buyback, _fine,
    _plant, _deliveries,
)  # fmt: skip

# Sentences that fill out a body, in any order.
FOLLOW_UPS = (
    "Analysts at {bank} said the move could lift margins by {pct}% over the next two years.",
    "Shares of {short} closed {pct}% higher in {city} trading after the announcement.",
    "The company did not respond to a request for comment on {month} {day}.",
    "{other} has been expanding in the same segment and recently cut prices on its {product}.",
    "Demand for {field} has been rising as local governments roll out new subsidies.",
    "The deal still needs approval from {regulator}, which has tightened its reviews.",
    "According to {other}, the market for {product} products could reach {amount} billion yuan.",
    "Industry data showed that shipments in the sector grew {pct}% in the first half.",
    "{person}, who joined the company in {year}, will oversee the {field} business.",
    "The firm said it employed about {count} engineers working on {product} development.",
    "Investors have questioned whether the spending will pay off before {later}.",
    "Competition in {field} has pushed several smaller rivals to seek mergers.",
    "{short} said it expects the project to add {amount} billion yuan in annual revenue.",
    "The plan is part of a broader effort to reduce reliance on imported components.",
    "Earlier this year, {short} opened a research center in {city} focused on {field}.",
    "A person close to the company said talks with {other} began late last year.",
    "Local media reported that the {city} government offered land and tax incentives.",
    "Brokerage {bank} raised its target price on the stock by {pct}% after the news.",
    "The company's net profit margin stood at {small}% in the latest reporting period.",
    "Export controls have complicated access to advanced tools for the {field} industry.",
    "It is the third such agreement {short} has signed with a state-owned partner.",
    "Trading volume in the stock was {count} lots, well above its monthly average.",
    "Executives told investors on a call that pricing pressure would ease by {later}.",
    "{other} declined to comment on the report when reached by phone.",
    "The statement did not give a timetable for the remaining {amount} billion yuan.",
    "Observers noted that {field} spending by large platforms slowed in {month}.",
)
BANKS = ("CICC", "Citic Securities", "Morgan Stanley", "Goldman Sachs", "Huatai Securities", "UBS")


def fill_sentence(template: str, f: Fill) -> str:
    return template.format(
        bank=f.pick(BANKS), pct=f.pct(), short=f.company.short, city=f.pick(CITIES),
        month=f.month(), day=f.when.day, other=f.other.name, product=f.pick(PRODUCTS),
        field=f.pick(FIELDS), regulator=f.pick(REGULATORS), amount=f.money(1, 900),
        person=f.pick(PEOPLE), year=f.rng.randint(2008, f.when.year - 1),
        count=f"{f.rng.randint(1, 40)},{f.rng.randint(0, 999):03d}",
        later=f.when.year + f.rng.randint(1, 4), small=f"{f.rng.uniform(2, 30):.1f}",
    )  # fmt: skip


def body_sentences(f: Fill, target_chars: int) -> list[str]:
    """Distinct follow-up sentences until the body is about `target_chars` long."""
    order = list(range(len(FOLLOW_UPS)))
    f.rng.shuffle(order)
    out: list[str] = []
    length = 0
    for i in order:
        if length >= target_chars:
            break
        sentence = fill_sentence(FOLLOW_UPS[i], f)
        out.append(sentence)
        length += len(sentence) + 1
    return out


CN_CLAIMS = (
    "{cn}发布新一代{product},股价大涨{pct}%",
    "{cn}第{q}季度营收{amount}亿元,同比增长{pct}%",
    "{cn}拟投资{amount}亿元建设新工厂",
    "{cn}获{amount}亿元战略融资,{other}参与投资",
    "{cn}({code})与{other}达成战略合作",
    "{cn}遭监管罚款{amount}亿元,回应称将积极整改",
    "{cn}冲刺港股IPO,估值或超{amount}亿美元",
    "{cn}自研{product}落地:一次难而正确的长征",
)


# ----------------------------------------------------------------------------- stories


@dataclass(slots=True)
class Story:
    """One item as it will be written: a title and body paragraphs in its layout's form."""

    layout: str
    title: str
    paragraphs: list[str]
    company: CorpusCompany
    published: datetime
    reprint: bool = False


@dataclass(slots=True)
class GeneratedDocument:
    path: Path
    layout: str
    items: int  # intended items (reprints included)
    reprints: int
    published: datetime


@dataclass(slots=True)
class Corpus:
    """What was written: the documents and how many items they are meant to hold."""

    root: Path
    seed: int
    documents: list[GeneratedDocument] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(d.items for d in self.documents)

    @property
    def reprints(self) -> int:
        return sum(d.reprints for d in self.documents)

    @property
    def unique(self) -> int:
        return self.items - self.reprints

    @property
    def paths(self) -> list[Path]:
        return [d.path for d in self.documents]


class _Writer:
    """Builds stories and documents from one random stream."""

    def __init__(self, rng: random.Random, companies: list[CorpusCompany]) -> None:
        self.rng = rng
        self.companies = companies
        self.titles: set[str] = set()
        self.recent: dict[str, list[Story]] = {layout: [] for layout in LAYOUTS}

    def fill(self, when: datetime) -> Fill:
        company = self.rng.choice(self.companies)
        other = self.rng.choice(self.companies)
        while other is company and len(self.companies) > 1:
            other = self.rng.choice(self.companies)
        return Fill(company, other, self.rng, when)

    def _unique(self, make: Callable[[], str]) -> str:
        from store.storage.dedupe import title_key

        for _ in range(20):
            title = make()
            key = title_key(title)
            if key not in self.titles:
                self.titles.add(key)
                return title
        title = f"{make()} ({len(self.titles)})"
        self.titles.add(title_key(title))
        return title

    def english(self, when: datetime, layout: str) -> Story:
        f = self.fill(when)
        event = self.rng.choice(EVENTS)
        parts: dict[str, str] = {}

        def make() -> str:
            subject, claim, lead = event(f)
            parts["lead"] = lead
            if layout == "star_daily":
                return f"{subject}: {claim[0].upper()}{claim[1:]}"
            return f"{subject} {claim}"

        title = self._unique(make)
        target = self.rng.randint(400, 1500)
        rest = body_sentences(f, target - len(parts["lead"]))
        if layout == "star_daily":
            ticker = f.company.tickers[0] if f.company.tickers else ""
            named = f"{f.company.short} ({ticker})" if ticker else f.company.short
            verb = self.rng.choice(("announced that", "said that", "disclosed that"))
            lead = parts["lead"]
            if lead.startswith(
                f.company.name + " "
            ):  # "X (688052.SH) announced that the company …"
                lead = "the company " + lead[len(f.company.name) + 1 :]
            opening = f"{named} {verb} {lead}"
            paragraphs = [" ".join([opening, *rest])]
        elif layout == "caixin_listing":
            # The page prints no headline: the title is the lede's first sentence.
            sentences = [f"{title}.", parts["lead"], *rest]
            paragraphs = []
            while sentences:
                take = self.rng.randint(2, 4)
                paragraphs.append(" ".join(sentences[:take]))
                sentences = sentences[take:]
        else:  # EqualOcean: "Title. Body…" in one paragraph
            paragraphs = [" ".join([parts["lead"], *rest])]
        return Story(layout, title, paragraphs, f.company, when)

    def chinese(self, when: datetime) -> Story:
        f = self.fill(when)
        cn = f.company.chinese or f.company.short
        code = digest_code(f.company.tickers[0]) if f.company.tickers else ""

        def make() -> str:
            return self.rng.choice(CN_CLAIMS).format(
                cn=cn, product=self.rng.choice(CN_PRODUCTS), pct=f.pct(),
                q=self.rng.randint(1, 4), amount=f.money(1, 900),
                other=f.other.chinese or f.other.short, code=code or "未上市",
            )  # fmt: skip

        title = self._unique(make)
        lead = self.rng.choice(EVENTS)(f)[2]
        target = self.rng.randint(400, 1500)
        rest = body_sentences(f, target - len(lead))
        kind = self.rng.choice(("Core Viewpoint", "Core Insights"))
        cites = lambda: f"[{self.rng.randint(1, 9)}]"  # noqa: E731
        groups = []
        for g, start in enumerate(range(0, len(rest), 3), 1):
            bullets = " - ".join(f"{s[:-1]} {cites()}." for s in rest[start : start + 3])
            heading = self.rng.choice(("Market Impact", "Company Details", "Industry Context"))
            groups.append(f"Group {g}: {heading} - {bullets}")
        summary = f"{kind} - {lead[:-1]} {cites()}{cites()}. " + " ".join(groups)
        return Story("search_digest", title, [summary], f.company, when)

    def story(self, layout: str, when: datetime) -> Story:
        if layout == "search_digest":
            return self.chinese(when)
        return self.english(when, layout)

    def reprint(self, layout: str, when: datetime) -> Story | None:
        """An earlier story of this layout, perhaps with its headline cased differently."""
        pool = self.recent[layout]
        if not pool:
            return None
        old = self.rng.choice(pool)
        title = old.title
        if layout == "star_daily" and self.rng.random() < 0.4:
            title = title.upper()
        elif layout == "equalocean_report" and self.rng.random() < 0.4:
            title = " ".join(w[:1].upper() + w[1:] for w in title.split())
        return Story(layout, title, list(old.paragraphs), old.company, when, reprint=True)


# ----------------------------------------------------------------------------- layouts


def _clock(when: datetime) -> str:
    return when.strftime("%b %d, %Y %I:%M %p")


def render_equalocean(w: _Writer, when: datetime, stories: list[Story]) -> str:
    rng = w.rng
    sector = rng.choice(SECTORS)
    quarter = (when.month - 1) // 3 + 1
    lines = [
        f"EqualOcean Sector Quarterly Report - {sector}",
        "",
        f"Technology Author: {rng.choice(EQUALOCEAN_AUTHORS)} {_clock(when)} (GMT+8)",
        "",
        "To help worldwide investors keep track of what is happening in each industry or "
        "sector and the related hot spots, we launched the EqualOcean Sector Quarterly Report "
        "series, which gathers notable information and statistics in each quarter.",
        "",
        f"In Q{quarter} {when.year}, companies in {sector.lower()} kept investing despite "
        f"uneven demand. The report lists leading players and their updates, then the key "
        f"events of the quarter.",
        "",
        "",
        "Main Players Updates",
        "",
    ]
    split = max(1, int(len(stories) * 0.75))
    for story in stories[:split]:
        c = story.company
        if c.tickers and rng.random() < 0.85:
            lines.append(f"{c.short} ({equalocean_listing(c.tickers[0])})")
        else:
            lines.append(c.name)
        lines += ["", f" {story.title}. {story.paragraphs[0]}", ""]
    lines += ["", " Capital Market Calendar", "", "", "Key Events", ""]
    for story in stories[split:]:
        lines += [f"  • {story.title}", "", story.paragraphs[0], ""]
    return "\n".join(lines) + "\n"


def render_caixin(w: _Writer, when: datetime, stories: list[Story]) -> str:
    rng = w.rng
    lines = [
        "Caixin Global – Latest China News & Headlines",
        "",
        "Home >",
        "",
        "",
        "CX Tech is Caixin Global's real-time tech news portal, featuring 24-hour news, "
        "short-form analysis, and roundups from business and tech media in China.",
        "",
        "",
    ]
    for story in stories:
        authors = rng.choice(AUTHORS)
        if rng.random() < 0.2:
            authors = f"{authors} and {rng.choice(AUTHORS)}"
        by = "By " if rng.random() < 0.5 else ""
        lines += [f"{by}{authors} / {_clock(story.published)} / Business & Tech", ""]
        if rng.random() < 0.15:
            lines += ["Photo: VCG", "", "Photo: VCG", ""]
        for paragraph in story.paragraphs:
            lines += [paragraph, ""]
        lines += [f"Contact reporter {authors.split(' and ')[0]} (", ""]
        related = rng.choice(w.recent["caixin_listing"] or [story])
        lines += [f"Related: {related.title}", "", ""]
    lines += ["", "Share this article", "Open WeChat and scan the QR code"]
    return "\n".join(lines) + "\n"


def render_star(w: _Writer, when: datetime, stories: list[Story]) -> str:
    rng = w.rng
    edition = rng.choice(("Evening News", "Morning Report"))
    month_day = f"{MONTH_NAMES[when.month - 1]} {when.day}"
    highlights = "; ".join(s.title for s in stories[:3])
    yesterday = when - timedelta(days=1)
    lines = ["} ?>"]
    if rng.random() < 0.5:
        lines.append("Transferred from: Finance Associated Press")
    lines.append(
        f'"Science and Technology Innovation Board Daily" on {month_day} - The main contents '
        f"of today's Science and Technology Innovation Board {edition} include: {highlights}."
    )
    sections = rng.sample(STAR_SECTIONS, 3)
    per = -(-len(stories) // 3)
    for s, story_start in enumerate(range(0, len(stories), per)):
        lines.append(f"[{sections[s % 3]}].")
        for i, story in enumerate(stories[story_start : story_start + per]):
            body = story.paragraphs[0]
            if i == 0:  # a full date somewhere lets the parser infer the brief's year
                day = f"{MONTH_NAMES[yesterday.month - 1]} {yesterday.day}, {yesterday.year}"
                body = f"On {day}, {body}"
            lines += [story.title, body]
    lines += ["Ticker Name", "Percentage Change", "Inclusion Date"]
    return "\n".join(lines) + "\n"


def render_digest(w: _Writer, when: datetime, stories: list[Story]) -> str:
    rng = w.rng
    lines = [rng.choice(DIGEST_KEYWORDS), "", "Search documents"]
    for story in stories:
        stamp = story.published.strftime("%Y-%m-%d %H:%M")
        lines += [story.title, f"{rng.choice(OUTLETS)}· {stamp}", story.paragraphs[0]]
    return "\n".join(lines) + "\n"


RENDERERS = {
    "equalocean_report": render_equalocean,
    "caixin_listing": render_caixin,
    "star_daily": render_star,
    "search_digest": render_digest,
}


# ----------------------------------------------------------------------------- corpus


def generate_corpus(
    n: int,
    root: Path | str,
    seed: int = 0,
    companies: list[CorpusCompany] | None = None,
    *,
    start: datetime = START,
    span_days: float = SPAN_DAYS,
    per_document: tuple[int, int] = ITEMS_PER_DOCUMENT,
    layouts: tuple[str, ...] = LAYOUTS,
    prefix: str = "",
) -> Corpus:
    """Write `n` items (reprints included) as documents under `root`, dated from `start`
    over `span_days`, `per_document` items each (the last document takes what is left)."""
    rng = random.Random(seed)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    writer = _Writer(rng, companies or load_companies())
    weights = [LAYOUT_WEIGHTS[LAYOUTS.index(layout)] for layout in layouts]
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(rng.randint(*per_document))
    sizes[-1] -= sum(sizes) - n  # the sum before the last was < n: it stays >= 1
    corpus = Corpus(root=root, seed=seed)
    step = timedelta(days=span_days) / max(len(sizes), 1)
    for index, size in enumerate(sizes):
        when = start + step * index + timedelta(minutes=rng.randint(0, 600))
        layout = rng.choices(layouts, weights)[0]
        stories: list[Story] = []
        for k in range(size):
            published = when - timedelta(minutes=37 * k + rng.randint(0, 30))
            if layout == "search_digest":
                published = when - timedelta(days=rng.uniform(0, 60))
            story = None
            if index > 0 and rng.random() < DUPLICATE_SHARE:
                story = writer.reprint(layout, published)
            stories.append(story or writer.story(layout, published))
        if layout == "search_digest":
            stories.sort(key=lambda s: s.published, reverse=True)
        text = RENDERERS[layout](writer, when, stories)
        path = root / f"{prefix}{index:06d}_{layout}.txt"
        path.write_text(text, encoding="utf-8")
        reprints = sum(s.reprint for s in stories)
        corpus.documents.append(GeneratedDocument(path, layout, size, reprints, when))
        pool = writer.recent[layout]
        pool.extend(s for s in stories if not s.reprint)
        del pool[:-400]  # reprint recent stories, as the seeds do
    return corpus


def parse_counts(corpus: Corpus) -> dict[str, tuple[int, int, int]]:
    """Per layout: (documents, intended items, items the real parser finds), layout detected
    by `store.parsers.registry` (a document detected as another layout counts zero items)."""
    from store.parsers.registry import detect_layout

    counts: dict[str, list[int]] = {}
    for doc in corpus.documents:
        text = doc.path.read_text(encoding="utf-8")
        layout = detect_layout(text)
        found = 0
        if layout is not None and layout.name == doc.layout:
            found = len(layout.parse(text, doc.path.name).items)
        row = counts.setdefault(doc.layout, [0, 0, 0])
        row[0] += 1
        row[1] += doc.items
        row[2] += found
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="parse back and count items")
    args = parser.parse_args(argv)
    corpus = generate_corpus(args.n, args.out, args.seed)
    print(
        f"{len(corpus.documents)} documents, {corpus.items} items "
        f"({corpus.reprints} reprints) in {corpus.root}"
    )
    if args.check:
        for layout, (docs, intended, found) in sorted(parse_counts(corpus).items()):
            print(f"{layout:18} {docs:5} docs {intended:7} intended {found:7} parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
