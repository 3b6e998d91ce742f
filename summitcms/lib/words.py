"""Lists as people write them: "Xi Jinping and Vladimir Putin", "claims, quotes and agreements"."""


def and_list(items):
    """``items`` (strings) joined as a sentence would: "A", "A and B", "A, B and C"."""
    items = list(items)
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)
