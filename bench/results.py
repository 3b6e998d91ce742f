"""One row of the benchmark's results, as run.py and measure.py both write them."""


def row(group, name, unit, ours, reference=None, goal="", met=None):
    """``ratio`` is ours ÷ reference; ``met`` is None where there is no goal."""
    ratio = round(ours / reference, 3) if reference else None
    return {
        "group": group,
        "name": name,
        "unit": unit,
        "ours": ours,
        "reference": reference,
        "ratio": ratio,
        "goal": goal,
        "met": met,
    }
