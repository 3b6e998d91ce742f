"""Counts as people read them."""


def spaced(number):
    return f"{number:,}".replace(",", " ")


class AtLeast(int):
    """A result count that stopped at a cap: the number is a lower bound.

    It compares and pluralizes as the number, so the admin's templates and its paginator
    work unchanged, and prints as “more than N” wherever a template shows the count (the
    paginator line, the search box, “Select all …”).
    """

    def __new__(cls, cap):
        count = super().__new__(cls, cap + 1)
        count.cap = cap
        return count

    def __str__(self):
        return f"more than {spaced(self.cap)}"

    def __format__(self, spec):
        return str(self) if not spec else super().__format__(spec)
