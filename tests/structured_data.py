"""Checking the JSON-LD of a page against schema.org and Google, without a network.

``tests/schema_org/definitions.json`` holds the part of the schema.org vocabulary the
pages use (types, their parents, their properties and the types each expects) and what
Google's ClaimReview documentation requires. ``problems(document)`` lists every way a
document breaks them, as sentences: an unknown type or property, a value of a type the
property does not expect, a date that is not one, a missing required property.
"""

import datetime
import json
from pathlib import Path
from urllib.parse import urlsplit

import extruct

DEFINITIONS = json.loads((Path(__file__).parent / "schema_org" / "definitions.json").read_text())
TYPES = DEFINITIONS["types"]
GOOGLE = DEFINITIONS["google_claim_review"]


def json_ld(response, url="http://testserver/"):
    """The JSON-LD documents a page carries, read as a search engine reads them."""
    content = response.content.decode()
    return extruct.extract(content, base_url=url, syntaxes=["json-ld"])["json-ld"]


def ancestors(type_name):
    """The type and every type it descends from."""
    found, queue = [], [type_name]
    while queue:
        name = queue.pop(0)
        if name not in found:
            found.append(name)
            queue.extend(TYPES[name]["parents"])
    return found


def expected(type_name, prop):
    for name in ancestors(type_name):
        if prop in TYPES[name]["properties"]:
            return TYPES[name]["properties"][prop]
    return None


def is_date(value):
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def is_datetime(value):
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value and parsed.tzinfo is not None


def is_url(value):
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def matches(value, kinds):
    """Whether a value that is not an object is one of the data types ``kinds``."""
    if isinstance(value, bool):
        return "Boolean" in kinds
    if isinstance(value, int | float):
        return "Number" in kinds or "Integer" in kinds and isinstance(value, int)
    if isinstance(value, str):
        return (
            "Text" in kinds
            or "URL" in kinds
            and is_url(value)
            or "Date" in kinds
            and is_date(value)
            or "DateTime" in kinds
            and is_datetime(value)
        )
    return False


def schema_problems(node, where):
    """Every way ``node`` (an object with an ``@type``) breaks the vocabulary."""
    type_name = node.get("@type")
    if type_name not in TYPES:
        return [f"{where}: unknown type {type_name!r}"]
    problems = []
    for prop, values in node.items():
        if prop in ("@type", "@context"):
            continue
        kinds = expected(type_name, prop)
        if kinds is None:
            problems.append(f"{where}: {type_name} has no property {prop!r}")
            continue
        for n, value in enumerate(values if isinstance(values, list) else [values]):
            at = f"{where}.{prop}" + (f"[{n}]" if isinstance(values, list) else "")
            if isinstance(value, dict):
                if not set(ancestors(value.get("@type", "?")) if value.get("@type") in TYPES else ()) & set(kinds):
                    problems.append(f"{at}: a {value.get('@type')!r} where {' or '.join(kinds)} is expected")
                problems += schema_problems(value, at)
            elif not matches(value, [k for k in kinds if k in DEFINITIONS["data_types"]]):
                problems.append(f"{at}: {value!r} is not {' or '.join(kinds)}")
    return problems


def google_problems(review, page_url):
    """What Google's ClaimReview documentation requires and recommends, as sentences."""
    problems = [f"ClaimReview needs {p}" for p in GOOGLE["required"] + GOOGLE["recommended"] if not review.get(p)]
    if review.get("url") and review["url"].split("#")[0] != page_url:
        problems.append(f"its url {review['url']!r} is not the page's {page_url!r}")
    rating = review.get("reviewRating") or {}
    problems += [f"reviewRating needs {p}" for p in GOOGLE["rating_required"] if not rating.get(p)]
    if isinstance(rating.get("ratingValue"), int | float):
        missing = [p for p in GOOGLE["rating_required_when_numeric"] if not isinstance(rating.get(p), int | float)]
        problems += [f"a numeric reviewRating needs a numeric {p}" for p in missing]
        if not missing:
            best, worst, value = rating["bestRating"], rating["worstRating"], rating["ratingValue"]
            if not best > worst:
                problems.append(f"bestRating {best} must be greater than worstRating {worst}")
            if not worst <= value <= best:
                problems.append(f"ratingValue {value} is outside {worst}–{best}")
    item = review.get("itemReviewed") or {}
    if item.get("@type") != GOOGLE["item_reviewed_type"]:
        problems.append(f"itemReviewed should be a {GOOGLE['item_reviewed_type']}")
    problems += [f"itemReviewed should have {p}" for p in GOOGLE["item_reviewed_recommended"] if p not in item]
    return problems


def problems(document, page_url):
    """Every problem of a page's JSON-LD document (schema.org, and Google for a ClaimReview)."""
    found = [] if document.get("@context") == "https://schema.org" else ["@context is not https://schema.org"]
    found += schema_problems(document, document.get("@type", "?"))
    if document.get("@type") == "ClaimReview":
        found += google_problems(document, page_url)
    return found
