"""Width arithmetic: valid widths, the strict fill rule and its offers, free placement,
and resolve() making a recipe concrete for one length or a range of lengths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import (
    DIGIT_SIZE,
    MAX_WIDTH,
    Recipe,
    SpacingError,
    bundled_bank,
    common_widths,
    compose,
    compose_batch,
    free_width,
    nearest_valid_widths,
    resolve,
    valid_widths,
)

BANK = bundled_bank()


def fill(width, lo, hi, rule="uniform"):
    return Recipe(width=width, spacing=(lo, hi), rule=rule, placement="fill")


def one(n):
    return range(n, n + 1)


def test_valid_widths_under_each_rule():
    assert list(valid_widths(3, 0, 4, "uniform")) == [84, 86, 88, 90, 92]
    assert list(valid_widths(3, 0, 4, "random")) == list(range(84, 93))
    assert list(valid_widths(3, -14, -12, "uniform")) == [56, 58, 60]  # overlapping
    assert list(valid_widths(1, 0, 10, "uniform")) == [28]
    assert valid_widths(3000, 0, 10, "uniform")[-1] <= MAX_WIDTH < 28 * 3000 + 2999 * 10
    assert len(valid_widths(4000, 0, 10, "uniform")) == 0  # 4000 digits never fit


def test_common_and_nearest_widths():
    assert common_widths(range(3, 5), 1, 16, "uniform") == []  # even vs 115 + 3k
    assert common_widths(range(3, 5), 1, 16, "random") == [115, 116]
    assert common_widths(range(2, 4), 0, 40, "uniform") == list(range(84, 97, 2))
    assert common_widths(range(2, 6), 0, 10, "random") == []
    widths = valid_widths(3, 0, 10, "uniform")
    assert nearest_valid_widths(85, widths) == [84, 86]
    assert nearest_valid_widths(86, widths) == [86]
    assert nearest_valid_widths(10, widths) == [84]
    assert nearest_valid_widths(1000, widths) == [104]
    assert (free_width(5, 10), free_width(1, 10), free_width(3, -4)) == (180, 28, 76)


@pytest.mark.parametrize(
    ("n", "width", "spacing", "gap"), [(2, 66, (0, 10), 10), (8, 224, (0, 10), 0),
                                       (9, 292, (0, 10), 5), (10, 280, (0, 10), 0)]
)  # fmt: skip
def test_the_originals_examples_have_their_uniform_gap(n, width, spacing, gap):
    comp = compose(BANK, fill(width, *spacing), [1] * n)
    assert comp.gaps == (gap,) * (n - 1)
    assert comp.offsets[0] == 0 and comp.offsets[-1] + DIGIT_SIZE == width


# --- the strict rule's refusals and offers --------------------------------------------

REFUSALS = [
    # (n, width, spacing, rule, message, offers)
    (2, 50, (0, 10), "uniform", "width 50 is too small for 2 digits with spacing 0..10: "
     "they need at least 56 px; use width 56", (56,)),
    (2, 70, (0, 10), "random", "width 70 is too wide for 2 digits with spacing 0..10: "
     "at most 66 px; use width 66 or allow more spacing", (66,)),
    (3, 85, (0, 10), "uniform", "width 85 has no uniform spacing for 3 digits in 0..10 "
     "(1 px over 2 gaps is not whole); nearest valid widths: 84 or 86, or use the random "
     "rule", (84, 86)),
    (1, 66, (0, 10), "uniform", "width 66 does not fit a single digit, which is 28 px wide; "
     "use width 28", (28,)),
]  # fmt: skip


@pytest.mark.parametrize(("n", "width", "spacing", "rule", "message", "offers"), REFUSALS)
def test_the_strict_rule_refuses_with_the_nearest_widths(n, width, spacing, rule, message, offers):
    with pytest.raises(SpacingError) as caught:
        resolve(fill(width, *spacing, rule), one(n))
    assert str(caught.value) == message
    assert (caught.value.field, caught.value.value, caught.value.offers) == ("width", width, offers)
    for offer in offers:
        assert resolve(fill(offer, *spacing, rule), one(n)).width == offer


def test_a_width_with_no_uniform_spacing_fits_the_random_rule():
    assert resolve(fill(85, 0, 10, "random"), one(3)).width == 85


def test_spacing_beyond_the_width_limit_is_refused_for_the_spacing():
    with pytest.raises(SpacingError) as caught:
        resolve(Recipe(spacing=(0, 10), placement="fill"), one(4000))
    assert caught.value.field == "spacing"
    assert "4000 digits with spacing >= 0 need 112,000 px, above the 100,000 px limit" in str(
        caught.value
    )
    with pytest.raises(SpacingError, match="may span 200,084 px, above the 100,000 px limit"):
        resolve(Recipe(spacing=(0, MAX_WIDTH), placement="free"), one(3))
    with pytest.raises(SpacingError, match="no digits to place"):
        resolve(Recipe(), range(3, 3))


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 12),
    lo=st.integers(-14, 20),
    extra=st.integers(0, 30),
    width=st.integers(28, 800),
    rule=st.sampled_from(["uniform", "random"]),
)
def test_every_offer_fills_and_no_valid_width_lies_nearer(n, lo, extra, width, rule):
    hi = lo + extra
    widths = valid_widths(n, lo, hi, rule)
    try:
        drawn = resolve(fill(width, lo, hi, rule), one(n))
    except SpacingError as exc:
        assert width not in widths and exc.offers
        for offer in exc.offers:
            assert offer in widths and str(offer) in str(exc)
        between = [w for w in widths if min(exc.offers) < w < max(exc.offers)]
        assert between in ([], [width])
        assert len(exc.offers) == 1 or min(exc.offers) < width < max(exc.offers)
    else:
        assert width in widths and (drawn.width, drawn.placement) == (width, "fill")


# --- resolve(): width and placement made concrete ------------------------------------


def test_fill_and_free_for_one_length():
    assert resolve(fill(None, 0, 10), one(3)).width == 84  # the narrowest
    assert resolve(fill(None, 2, 10, "random"), one(3)).width == 88
    free = Recipe(spacing=(0, 10), placement="free")
    assert (resolve(free, one(5)).width, resolve(free, one(5)).placement) == (180, "free")
    assert resolve(free.replace(width=500), one(5)).width == 500
    with pytest.raises(SpacingError) as caught:
        resolve(free.replace(width=170), one(5))
    assert caught.value.offers == (180,)
    assert "use width 180 or more" in str(caught.value)


def test_auto_fills_when_the_width_lets_every_length_fill_it_else_places_freely():
    auto = Recipe(spacing=(0, 80), rule="random")
    assert _concrete(auto, range(3, 9)) == (224, "fill")  # narrowest common width
    assert _concrete(auto.replace(width=240), range(3, 9)) == (240, "fill")
    assert _concrete(auto.replace(width=800), range(3, 9)) == (800, "free")
    uniform = Recipe(spacing=(0, 10))
    assert _concrete(uniform, range(2, 6)) == (180, "free")  # no common width: freely
    assert _concrete(uniform, one(3)) == (84, "fill")
    assert _concrete(uniform.replace(width=70), one(2)) == (70, "free")  # too wide to fill
    with pytest.raises(SpacingError) as caught:  # neither fills nor holds 3 digits freely
        resolve(uniform.replace(width=85), one(3))
    assert caught.value.offers == (84, 86)
    with pytest.raises(SpacingError) as caught:
        resolve(fill(300, 0, 10), range(2, 6))  # "fill" never falls back to "free"
    assert "width 300 has no uniform layout for length(s) 2, 3, 4, 5" in str(caught.value)


def _concrete(recipe, lengths):
    drawn = resolve(recipe, lengths)
    return drawn.width, drawn.placement


@settings(max_examples=300, deadline=None)
@given(
    first=st.integers(1, 8),
    more=st.integers(0, 5),
    lo=st.integers(-14, 12),
    extra=st.integers(0, 90),
    width=st.none() | st.integers(28, 900),
    rule=st.sampled_from(["uniform", "random"]),
    placement=st.sampled_from(["auto", "fill", "free"]),
)
def test_a_resolved_recipe_draws_every_length(first, more, lo, extra, width, rule, placement):
    lengths, hi = range(first, first + more + 1), lo + extra
    recipe = Recipe(width=width, spacing=(lo, hi), rule=rule, placement=placement)
    try:
        drawn = resolve(recipe, lengths)
    except SpacingError as exc:  # justly: no layout of that placement exists
        assert exc.reason and exc.suggestion
        widths = [valid_widths(n, lo, hi, rule) for n in lengths]
        can_fill = (
            bool(common_widths(lengths, lo, hi, rule))
            if width is None
            else all(width in w for w in widths)
        )
        need = free_width(lengths[-1], hi)
        can_free = need <= MAX_WIDTH and (width is None or width >= need)
        assert not (placement in ("fill", "auto") and can_fill)
        assert not (placement in ("free", "auto") and can_free)
        return
    assert drawn.placement == placement or (placement, drawn.placement) in (
        ("auto", "fill"),
        ("auto", "free"),
    )
    assert width in (None, drawn.width) and resolve(drawn, lengths) == drawn
    fills = [drawn.width in valid_widths(n, lo, hi, rule) for n in lengths]
    if drawn.placement == "fill":
        assert all(fills)
        common = common_widths(lengths, lo, hi, rule)
        assert width is not None or drawn.width == common[0]
    else:
        assert drawn.width >= free_width(lengths[-1], hi)
        if placement == "auto":  # free only when filling is impossible
            assert not all(fills) if width is not None else not common_widths(lengths, lo, hi, rule)
        assert width is not None or drawn.width == free_width(lengths[-1], hi)


# --- messages name what would work ----------------------------------------------------


def test_the_max_spacing_offered_for_many_lengths_works():
    recipe = fill(None, 0, 10, "random")
    with pytest.raises(SpacingError, match="allow max spacing 84 or more"):
        resolve(recipe, range(2, 6))
    assert resolve(recipe.replace(max_spacing=84), range(2, 6)).width == 140


def test_the_random_rule_offered_for_many_lengths_works_where_it_is_offered():
    recipe = fill(None, 1, 16)
    with pytest.raises(SpacingError, match="use the random rule"):
        resolve(recipe, range(3, 5))
    assert resolve(recipe.replace(rule="random"), range(3, 5)).width == 115


def test_the_random_rule_is_offered_only_where_it_works():
    recipe = fill(None, 0, 10)
    with pytest.raises(SpacingError) as caught:
        resolve(recipe, range(2, 6))
    said = str(caught.value)
    assert "use the random rule and allow max spacing 84 or more" in said
    with pytest.raises(SpacingError):  # the random rule alone is not enough, and not offered so
        resolve(recipe.replace(rule="random"), range(2, 6))
    resolve(recipe.replace(rule="random", spacing=(0, 84)), range(2, 6))  # both: it works


# --- placements as drawn ----------------------------------------------------------------


def test_filled_rows_span_the_width_and_free_rows_lie_anywhere_within_it():
    digits = np.random.default_rng(5).integers(0, 10, (400, 4))
    for rule in ("uniform", "random"):
        spacing = (2, 12)
        filled = compose_batch(BANK, fill(142, *spacing, rule), digits, 3)
        assert (filled.offsets[:, 0] == 0).all()
        assert (filled.offsets[:, -1] + DIGIT_SIZE == 142).all()
        free = compose_batch(BANK, Recipe(width=300, spacing=spacing, rule=rule), digits, 3)
        assert free.recipe.placement == "free"
        assert (free.gaps >= 2).all() and (free.gaps <= 12).all()
        assert (free.offsets[:, 0] >= 0).all() and (free.offsets[:, -1] + 28 <= 300).all()
        assert len(np.unique(free.offsets[:, 0])) > 50  # placed anywhere
        assert len({tuple(g) for g in free.gaps.tolist()}) > (5 if rule == "uniform" else 50)
        if rule == "uniform":
            assert (free.gaps == free.gaps[:, :1]).all()  # one gap per sequence
