"""The line under which a feed's candidate is never compared by name: below it, a
candidate could change no outcome (backend/db/queries/feed_matching.py)."""

from backend.db.queries.feed_matching import Lines, name_bounds, pruning_line
from backend.linkage.fields import LinkField
from backend.linkage.model import DEFAULT_MODEL


def test_the_pruning_line_is_the_possible_line_when_the_margin_is_narrower_than_the_gap() -> None:
    assert pruning_line(Lines(possible=13.3, strong=26.5, margin=10.0)) == 13.3


def test_a_margin_wider_than_the_gap_lowers_the_pruning_line_below_the_possible_line() -> None:
    # A runner-up under the possible line could then still stop a probable match.
    assert pruning_line(Lines(possible=13.3, strong=26.5, margin=20.0)) == 6.5


def test_the_names_bound_is_the_best_level_of_each_name_and_gender() -> None:
    names, previous = name_bounds(DEFAULT_MODEL)
    best = [max(DEFAULT_MODEL.weights(f)) for f in (LinkField.FAMILY, LinkField.GIVEN)]
    assert names == sum(best) + DEFAULT_MODEL.weight(LinkField.GENDER, "SAME")
    assert previous == DEFAULT_MODEL.weight(LinkField.PREVIOUS, "AMONG_NAMES")
