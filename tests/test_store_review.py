"""Regression tests from a review of store/."""

from __future__ import annotations

from store.companies import CompanyDirectory
from store.model import Mention


def test_link_keeps_a_class_share_ticker_with_a_dot():
    """`BRK.B.US` is canonical: its mention is learned with its ticker, not dropped."""
    linked = CompanyDirectory.bundled().link(
        [Mention(name="Some Holdings", ticker="ABC.B.US")], "Some Holdings said so."
    )
    assert linked.tickers == ["ABC.B.US"]
    assert [(c.name, c.listings) for c in linked.learned] == [("Some Holdings", ("ABC.B.US",))]
    assert [c.name for c in linked.companies] == ["Some Holdings"]
