"""Numbers as people write them: "$200 billion", "two-thirds (66.7 %)", "14 agreements".

Amounts are stored exactly (a decimal with four places); these say them as a report
would, never more precisely than they were recorded.
"""

from decimal import ROUND_HALF_UP, Decimal

# Large amounts in words, when the amount is a round number of them ("200 billion",
# "1.5 million"); otherwise with thousands separators ("1,234,567").
SCALES = [(Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")]
# Currencies a reader knows by their symbol, written before the amount ("$200 billion"),
# and those better said in words, after it ("200 billion yuan"). Other units follow the
# amount as recorded ("14 agreements", "3 days").
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
CURRENCY_WORDS = {"CNY": "yuan", "RMB": "yuan", "RUB": "roubles"}
# Shares that people say as fractions when the percentage is a recurring decimal.
FRACTIONS = {
    (1, 3): "one-third",
    (2, 3): "two-thirds",
    (1, 6): "one-sixth",
    (5, 6): "five-sixths",
    (1, 7): "one-seventh",
    (1, 9): "one-ninth",
}


def plain(value, places=2):
    """``value`` with at most ``places`` decimals, no trailing zeros, thousands separated."""
    value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(value):
    """An amount: "200 billion", "1.5 million", "12,500", "3.25"."""
    value = Decimal(value)
    for scale, word in SCALES:
        if abs(value) >= scale:
            scaled = value / scale
            # Only a round number of millions or billions: 1,234,567 is not "1.23 million".
            if scaled == scaled.quantize(Decimal("0.01")):
                return f"{plain(scaled)} {word}"
            break
    return plain(value)


def percentage(value):
    """A share: "30 %", "12.5 %", and "two-thirds (66.7 %)" for a recurring decimal."""
    value = Decimal(value)
    shown = plain(value, places=1)
    if Decimal(shown.replace(",", "")) != value:
        for (numerator, denominator), word in FRACTIONS.items():
            if abs(value - Decimal(100 * numerator) / denominator) < Decimal("0.01"):
                return f"{word} ({shown} %)"
    return f"{shown} %"


def amount(value, unit=""):
    """``value`` in ``unit`` as a report writes it: "$200 billion", "14 agreements",
    "two-thirds (66.7 %) of bilateral trade" (a unit that begins with "%")."""
    unit = unit.strip()
    if unit.startswith("%"):
        rest = unit[1:].strip()
        return f"{percentage(value)} {rest}" if rest else percentage(value)
    code = unit.upper()
    if code in SYMBOLS:
        sign = "-" if Decimal(value) < 0 else ""
        return f"{sign}{SYMBOLS[code]}{number(abs(Decimal(value)))}"
    if code in CURRENCY_WORDS:
        return f"{number(value)} {CURRENCY_WORDS[code]}"
    return f"{number(value)} {unit}" if unit else number(value)
