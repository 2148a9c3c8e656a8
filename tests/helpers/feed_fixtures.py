# ruff: noqa: E501  (feed documents are data: their lines are as long as the outlets write them)
"""Feeds written from the structure of the real feeds of SCMP Tech, TechNode, 36Kr,
Pandaily, KrASIA and Sixth Tone (their elements, namespaces, date styles and CDATA HTML),
with stories of our own. Items are deliberately out of date order.
"""

from __future__ import annotations

from pathlib import Path

import orjson

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SEED_FILES = {
    "equalocean": "000_8dddf056b50c37f7.txt",
    "caixin": "001_ce5775964d962981.txt",
    "star_evening": "002_db7f17587a9c4bfe.txt",
    "digest": "003_a6fe991c24fb0183.txt",
    "star_morning": "004_7725f43b712bb9ec.txt",
}


def seed_path(kind: str) -> Path:
    return SEEDS / SEED_FILES[kind]


def seed_text(kind: str) -> str:
    return seed_path(kind).read_text(encoding="utf-8")


def scmp_tech() -> bytes:
    """RSS 2.0 with media:, CDATA descriptions, +0800 pubDates (SCMP's RSS 36 feed)."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" version="2.0">
<channel>
<title><![CDATA[Tech - South China Morning Post]]></title>
<link>https://www.scmp.com/rss/36/feed</link>
<description><![CDATA[Tech news from China and Asia]]></description>
<language><![CDATA[en]]></language>
<atom:link href="https://www.scmp.com/rss/36/feed" rel="self" type="application/rss+xml"/>
<item>
<title><![CDATA[Tencent's WeChat rolls out AI search powered by DeepSeek]]></title>
<description><![CDATA[<p>Tencent Holdings is testing a search function in WeChat that uses DeepSeek's R1 model, as the <a href="https://www.scmp.com/topics/artificial-intelligence">AI race</a> heats up among China's Big Tech firms.</p>]]></description>
<link>https://www.scmp.com/tech/big-tech/article/3298021/tencents-wechat-rolls-out-ai-search</link>
<guid isPermaLink="false">3298021</guid>
<pubDate>Sun, 16 Feb 2025 19:30:08 +0800</pubDate>
<author><![CDATA[Ben Jiang]]></author>
<media:content url="https://cdn.i-scmp.com/sites/default/files/wechat.jpg" medium="image"/>
</item>
<item>
<title><![CDATA[Huawei unveils tri-fold Mate XT for global markets]]></title>
<description><![CDATA[<p>Huawei Technologies launched its tri-fold smartphone outside China for the first time in Kuala Lumpur.</p><img src="https://cdn.i-scmp.com/matext.jpg" alt="Huawei Mate XT on display"/>]]></description>
<link>https://www.scmp.com/tech/big-tech/article/3300102/huawei-unveils-tri-fold-mate-xt</link>
<guid isPermaLink="false">3300102</guid>
<pubDate>Tue, 18 Feb 2025 21:05:00 +0800</pubDate>
<author><![CDATA[Coco Feng]]></author>
</item>
<item>
<title><![CDATA[Alibaba shares jump after Apple AI partnership confirmed]]></title>
<description><![CDATA[<p>Alibaba Group Holding shares rose as much as 9 per cent in Hong Kong.</p>]]></description>
<link>https://www.scmp.com/tech/big-tech/article/3299500/alibaba-shares-jump</link>
<guid isPermaLink="false">3299500</guid>
<pubDate>Thu, 13 Feb 2025 10:12:44 +0800</pubDate>
<author><![CDATA[Ann Cao]]></author>
</item>
</channel>
</rss>"""


def technode() -> bytes:
    """WordPress RSS 2.0: dc:creator, several categories, excerpt + content:encoded, UTC."""
    return b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
<channel>
	<title>TechNode</title>
	<atom:link href="https://technode.com/feed/" rel="self" type="application/rss+xml" />
	<link>https://technode.com/</link>
	<description>Latest news and trends about tech in China</description>
	<lastBuildDate>Wed, 26 Mar 2025 09:10:11 +0000</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<item>
		<title>BYD to build third European plant as EV exports climb</title>
		<link>https://technode.com/2025/03/26/byd-to-build-third-european-plant/</link>
		<dc:creator><![CDATA[Cheyenne Zhang]]></dc:creator>
		<pubDate>Wed, 26 Mar 2025 08:41:26 +0000</pubDate>
		<category><![CDATA[Automotive]]></category>
		<category><![CDATA[BYD]]></category>
		<category><![CDATA[EV]]></category>
		<guid isPermaLink="false">https://technode.com/?p=190211</guid>
		<description><![CDATA[<p>BYD is weighing a third plant in Europe, the company said&#8230;</p>
<p>The post <a href="https://technode.com/2025/03/26/byd-to-build-third-european-plant/">BYD to build third European plant as EV exports climb</a> appeared first on <a href="https://technode.com">TechNode</a>.</p>
]]></description>
		<content:encoded><![CDATA[<p>Chinese electric vehicle maker BYD (1211.HK) is weighing a third plant in Europe as its exports to the region climb, the company said on Wednesday.</p>
<p>The Shenzhen-based firm already builds cars in Hungary and Turkey. <strong>Exports rose 40%</strong> in the first two months of the year.</p>
<figure><img src="https://technode.com/wp-content/uploads/byd.jpg" alt="BYD Seal on display in Munich" /></figure>
<p>The post <a href="https://technode.com/2025/03/26/byd-to-build-third-european-plant/">BYD to build third European plant as EV exports climb</a> appeared first on <a href="https://technode.com">TechNode</a>.</p>
]]></content:encoded>
	</item>
	<item>
		<title>Xiaomi&#8217;s SU7 Ultra sells 10,000 units in two hours</title>
		<link>https://technode.com/2025/02/28/xiaomis-su7-ultra-sells-10000-units/</link>
		<dc:creator><![CDATA[Jessie Wu]]></dc:creator>
		<pubDate>Fri, 28 Feb 2025 03:02:10 +0000</pubDate>
		<category><![CDATA[Automotive]]></category>
		<guid isPermaLink="false">https://technode.com/?p=189876</guid>
		<description><![CDATA[<p>Xiaomi (1810.HK) said its SU7 Ultra sold 10,000 units in two hours after launch.</p>]]></description>
	</item>
</channel>
</rss>
"""


def kr36() -> bytes:
    """36Kr's Chinese RSS: CDATA HTML, its "2025-04-01 10:30:00  +0800" dates, no guid."""
    return """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
<title>36氪</title>
<link>https://36kr.com</link>
<description>36氪_让一部分人先看到未来</description>
<language>zh-cn</language>
<item>
<title><![CDATA[小米集团2024年营收3659亿元，汽车业务首年交付超13.5万辆]]></title>
<link>https://36kr.com/p/3216548862419072?f=rss</link>
<pubDate>2025-03-18 18:03:21  +0800</pubDate>
<description><![CDATA[<p>小米集团（1810.HK）发布2024年财报，全年营收3659亿元，同比增长35%。</p><p>其中智能电动汽车等创新业务收入321亿元。<img src="https://img.36krcdn.com/xiaomi.png" alt="小米SU7"></p>]]></description>
</item>
<item>
<title><![CDATA[腾讯控股：2024年第四季度营收1724亿元]]></title>
<link>https://36kr.com/p/3216000000000001?f=rss</link>
<pubDate>2025-03-19 20:15:00  +0800</pubDate>
<description><![CDATA[<p>腾讯控股（0700.HK）公布第四季度业绩，营收同比增长11%。详见<a href="https://www.tencent.com/zh-cn/investors.html">腾讯投资者关系</a>。</p>]]></description>
</item>
<item>
<title><![CDATA[寒武纪：2024年营收同比增长65.56%]]></title>
<link>https://36kr.com/p/3216000000000002?f=rss</link>
<pubDate>2025-03-17 09:00:00  +0800</pubDate>
<description><![CDATA[寒武纪（688256.SH）披露年报，营业收入11.74亿元。]]></description>
</item>
</channel>
</rss>""".encode()


def pandaily() -> bytes:
    """Pandaily (WordPress, English), dc:creator, with a Chinese-time dc:date."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>Pandaily</title>
<link>https://pandaily.com</link>
<description>Pandaily is a tech media based in Beijing</description>
<language>en-US</language>
<item>
<title>NIO Launches Firefly Brand Priced at 148,800 Yuan</title>
<link>https://pandaily.com/nio-launches-firefly-brand/</link>
<dc:creator><![CDATA[Pandaily]]></dc:creator>
<dc:date>2025-04-19T22:00:00+08:00</dc:date>
<category><![CDATA[EV]]></category>
<guid isPermaLink="true">https://pandaily.com/nio-launches-firefly-brand/</guid>
<description><![CDATA[NIO (NYSE: NIO) officially launched its third brand, Firefly, on Saturday evening.]]></description>
</item>
<item>
<title>DJI Unveils Mini 4 Pro</title>
<link>https://pandaily.com/dji-unveils-mini-4-pro/</link>
<dc:creator><![CDATA[Pandaily]]></dc:creator>
<dc:date>2025-04-02T10:00:00+08:00</dc:date>
<guid isPermaLink="true">https://pandaily.com/dji-unveils-mini-4-pro/</guid>
<description><![CDATA[<p>DJI released the Mini 4 Pro drone.</p>]]></description>
</item>
</channel>
</rss>"""


def krasia() -> bytes:
    """KrASIA as RSS 1.0 (RDF, dc:date): the oldest format still served by some CMS."""
    return b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://kr-asia.com/">
<title>KrASIA</title>
<link>https://kr-asia.com/</link>
<description>A digital media company reporting on tech in Asia</description>
<items><rdf:Seq><rdf:li rdf:resource="https://kr-asia.com/meituan-keeta-brazil"/></rdf:Seq></items>
</channel>
<item rdf:about="https://kr-asia.com/meituan-keeta-brazil">
<title>Meituan takes Keeta to Brazil with USD 1 billion plan</title>
<link>https://kr-asia.com/meituan-keeta-brazil</link>
<description>Meituan (3690.HK) will invest USD 1 billion in Brazil over five years.</description>
<dc:creator>Ding Wenqi</dc:creator>
<dc:subject>Delivery</dc:subject>
<dc:date>2025-05-13T14:20:00+08:00</dc:date>
</item>
</rdf:RDF>"""


def sixth_tone() -> bytes:
    """Sixth Tone as Atom: xhtml and html content, RFC 3339 with +08:00."""
    return b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>Sixth Tone</title>
<subtitle type="html">Fresh voices from today&amp;#39;s China</subtitle>
<link href="https://www.sixthtone.com/" rel="alternate"/>
<link href="https://www.sixthtone.com/rss" rel="self"/>
<id>https://www.sixthtone.com/</id>
<updated>2025-03-20T18:00:00+08:00</updated>
<entry>
<title type="html">China&amp;#8217;s Gen Z Turns to &lt;em&gt;DeepSeek&lt;/em&gt; for Life Advice</title>
<link href="https://www.sixthtone.com/news/1016789" rel="alternate"/>
<id>tag:sixthtone.com,2025:news/1016789</id>
<published>2025-03-20T17:30:00+08:00</published>
<updated>2025-03-20T17:45:00+08:00</updated>
<author><name>Wu Peiyue</name></author>
<category term="Society" label="Society"/>
<summary type="html">&lt;p&gt;Young people say the chatbot is a patient listener.&lt;/p&gt;</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Young people across China say DeepSeek is a patient listener.</p><p>Some use it <a href="https://www.sixthtone.com/news/1016000">every night</a>.</p></div></content>
</entry>
<entry>
<title>Shanghai Metro Opens Line 18 Extension</title>
<link href="https://www.sixthtone.com/news/1016700"/>
<id>tag:sixthtone.com,2025:news/1016700</id>
<updated>2025-03-18T09:00:00+08:00</updated>
<author><name>Fan Yiying</name></author>
<author><name>Ni Dandan</name></author>
<summary>The extension adds eight stations.</summary>
</entry>
</feed>"""


def json_feed() -> bytes:
    """A JSON Feed 1.1 (the format is used by blogs and newsletters that follow China tech)."""
    return orjson.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "China Tech Weekly",
            "home_page_url": "https://chinatechweekly.example/",
            "language": "en",
            "items": [
                {
                    "id": "2025-12",
                    "url": "https://chinatechweekly.example/2025/12",
                    "title": "Baidu's Ernie 4.5 goes open source",
                    "content_html": "<p>Baidu (9888.HK) said Ernie 4.5 will be open source.</p>",
                    "date_published": "2025-03-16T08:00:00+08:00",
                    "authors": [{"name": "Li Na"}],
                    "tags": ["AI", "Baidu"],
                },
                {
                    "id": 13,
                    "url": "https://chinatechweekly.example/2025/13",
                    "title": "",
                    "content_text": "JD.com launches food delivery. It waives fees for a year.",
                    "date_published": "2025-03-23T08:00:00+08:00",
                },
            ],
        }
    )


def caixin_feed() -> bytes:
    """An RSS feed carrying two stories of the Caixin seed listing in full, under their own
    headlines (the listing has none), as a full-content feed would."""
    from store.ingest import read_document

    doc, _ = read_document(seed_path("caixin"))
    items = []
    for n, item in enumerate(doc.items[:2]):
        body = "".join(f"<p>{p}</p>" for p in item.body)
        items.append(
            f"""<item><title>Caixin story {n}: {item.title[:40]}</title>
<link>https://www.caixinglobal.com/2021-01-19/story-{n}.html</link>
<guid>https://www.caixinglobal.com/2021-01-19/story-{n}.html</guid>
<pubDate>Tue, 19 Jan 2021 18:27:00 +0800</pubDate>
<description><![CDATA[{body}]]></description></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Caixin Global</title><link>https://www.caixinglobal.com/</link>
<description>Caixin Global</description>{"".join(items)}</channel></rss>""".encode()


def big_feed(name: str, n: int = 50, start: int = 0) -> bytes:
    """A feed of `n` distinct stories (for the benchmark and volume tests)."""
    items = []
    for i in range(start, start + n):
        items.append(
            f"""<item><title><![CDATA[{name} story {i}: Tencent and Alibaba news item {i}]]></title>
<link>https://{name}.example/p/{i}</link><guid isPermaLink="false">{name}-{i}</guid>
<pubDate>Tue, 01 Apr 2025 {i % 24:02d}:{i % 60:02d}:00 +0800</pubDate>
<description><![CDATA[<p>{name} reports story number {i} about Tencent (0700.HK), with details {i * 7919 % 10007}.</p>]]></description></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{name}</title>
<link>https://{name}.example/</link>{"".join(items)}</channel></rss>""".encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://x.example/</link></item></channel></rss>"""


def external_entity(path: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{path}">]>
<rss version="2.0"><channel><title>t</title>
<item><title>A &xxe; B</title><link>https://x.example/</link></item></channel></rss>""".encode()


HTML_PAGE = b"""<!DOCTYPE html><html><head><title>36Kr - home</title></head>
<body><h1>Welcome</h1><p>This is the home page, not a feed.</p></body></html>"""
