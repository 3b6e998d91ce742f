"""ClaimReview JSON-LD for a claim's page.

Google's ClaimReview asks for ``claimReviewed``, ``reviewRating`` with a textual
``alternateName``, ``author``, ``datePublished``, ``url`` and ``itemReviewed`` (a
``Claim``, with the articles it appeared in as ``appearance``). Our review is how well
the claim is corroborated, so the rating is the corroboration label.
"""

from apps.editorial.structured_data import appearances, date, publisher


def claim_review(claim, request):
    """ClaimReview of a verified claim; reads its citations with ``source__outlet``."""
    corroboration = claim.corroboration()
    item = {"@type": "Claim", "appearance": appearances(claim)}
    first = min((c.source.published_on for c in claim.citations.all() if c.source.published_on), default=None)
    if first:
        item["datePublished"] = first.isoformat()
    if claim.attributed_to_id:
        item["author"] = {"@type": "Person", "name": claim.attributed_to.name}
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": request.build_absolute_uri(claim.get_absolute_url()),
        "claimReviewed": claim.statement,
        "itemReviewed": item,
        "author": publisher(request),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": corroboration.label,
            "ratingExplanation": f"Corroboration by independent sources: {corroboration.label}. "
            f"Credibility: {claim.get_credibility_display()}.",
        },
    }
    if claim.verified_at:
        review["datePublished"] = date(claim.verified_at)
    return review
