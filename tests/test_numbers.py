"""Numbers as people write them (summitcms.lib.numbers)."""

from decimal import Decimal

import pytest

from summitcms.lib.numbers import amount, number, percentage


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("200000000000.0000", "200 billion"),
        ("1500000", "1.5 million"),
        ("2250000000000", "2.25 trillion"),
        ("1234567", "1,234,567"),  # not a round number of millions: not "1.23 million"
        ("12500", "12,500"),
        ("3.0000", "3"),
        ("3.2500", "3.25"),
        ("2.3456", "2.35"),
    ],
)
def test_amounts(value, shown):
    assert number(Decimal(value)) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("66.6667", "two-thirds (66.7 %)"),
        ("33.3333", "one-third (33.3 %)"),
        ("30.0000", "30 %"),
        ("12.5000", "12.5 %"),
        ("50.0000", "50 %"),
        ("66.6000", "66.6 %"),  # recorded to one place: not a recurring two-thirds
    ],
)
def test_percentages(value, shown):
    assert percentage(Decimal(value)) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("200000000000", "USD", "$200 billion"),
        ("-5", "usd", "-$5"),
        ("1500000", "EUR", "€1.5 million"),
        ("200000000000", "CNY", "200 billion yuan"),
        ("14", "agreements", "14 agreements"),
        ("66.6667", "% of bilateral trade", "two-thirds (66.7 %) of bilateral trade"),
        ("7", "", "7"),
    ],
)
def test_amounts_in_their_unit(value, unit, shown):
    assert amount(Decimal(value), unit) == shown
