"""ClaimReview JSON-LD for a claim's page.

The verdict is the editor's assessment: ``reviewRating`` comes from the claim's
information credibility (``models.Rating``: ``ratingValue`` 6 − grade, from
``worstRating`` 1, improbable, to ``bestRating`` 5, confirmed, and the verdict in words as
``alternateName``, which fact-check readers show). Corroboration, a count of independent
sources, is not a verdict: the explanation states it beside the rating. A claim whose
truth cannot be judged (grade 6) has no verdict, so its page carries no ClaimReview, only
the ``Claim`` itself. Google's ClaimReview asks for ``claimReviewed``, ``reviewRating``
(with ``alternateName``), ``url``, and recommends ``author``, ``datePublished`` and
``itemReviewed`` (a ``Claim``, with the articles it appeared in as ``appearance``).
"""

from apps.editorial.structured_data import appearances, date, publisher

from .models import Rating


def claim_item(claim, request):
    """The claim as schema.org's ``Claim``: who made it, where and when it appeared."""
    item = {"@type": "Claim", "appearance": appearances(claim)}
    first = min((c.source.published_on for c in claim.citations.all() if c.source.published_on), default=None)
    if first:
        item["datePublished"] = first.isoformat()
    if claim.attributed_to_id:
        item["author"] = {"@type": "Person", "name": claim.attributed_to.name}
    return item


def review_rating(claim):
    """The ``Rating`` of a claim with a verdict, None for one whose truth cannot be judged."""
    rating = claim.rating
    if rating is None:
        return None
    return {
        "@type": "Rating",
        "ratingValue": rating.value,
        "bestRating": rating.best,
        "worstRating": rating.worst,
        "alternateName": rating.name,
        "ratingExplanation": (
            f"{rating.name}: information credibility {rating.grade} on the NATO (Admiralty) scale "
            f"({Rating.SCALE}); ratingValue is 6 minus the grade. "
            f"Corroboration, which is not part of the rating: {claim.corroboration().label}."
        ),
    }


def claim_structured_data(claim, request):
    """ClaimReview of a verified claim with a verdict, or its ``Claim`` alone; reads its
    citations with ``source__outlet``."""
    url = request.build_absolute_uri(claim.get_absolute_url())
    item = claim_item(claim, request)
    rating = review_rating(claim)
    if rating is None:
        return {"@context": "https://schema.org", **item, "url": url, "text": claim.statement}
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.statement,
        "itemReviewed": item,
        "author": publisher(request),
        "reviewRating": rating,
    }
    if claim.verified_at:
        review["datePublished"] = date(claim.verified_at)
    return review
