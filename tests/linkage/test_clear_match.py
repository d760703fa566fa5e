"""Whether the weights prove that a record agreeing exactly with one child has no rival
outside the two lookups (backend/linkage/clear_match.py)."""

from backend.linkage.clear_match import clear_match
from backend.linkage.model import DEFAULT_MODEL, Thresholds

STRONG_AT_A_MILLION = Thresholds.for_directory(1_000_000).strong


def test_the_default_weights_prove_a_clear_match_at_the_feeds_margin() -> None:
    found = clear_match(DEFAULT_MODEL, strong=STRONG_AT_A_MILLION, margin=10.0)
    assert found is not None
    assert found.rival_floor == found.weight - 10.0


def test_a_margin_wider_than_the_lookups_cover_allows_no_clear_match() -> None:
    # From about 10.5 bits a child born that day in the same district, with a given name
    # one edit away, could come within it: the lookups do not look there.
    assert clear_match(DEFAULT_MODEL, strong=STRONG_AT_A_MILLION, margin=12.0) is None


def test_an_exact_agreement_below_the_strong_line_is_no_clear_match() -> None:
    assert clear_match(DEFAULT_MODEL, strong=60.0, margin=10.0) is None
