"""Schema.org JSON-LD for claim and quote pages (ClaimReview, Quotation).

Google's ClaimReview asks for ``claimReviewed``, ``reviewRating`` with a textual
``alternateName``, ``author``, ``datePublished``, ``url`` and ``itemReviewed`` (a
``Claim``, with the articles it appeared in as ``appearance``). Our review is how well
the claim is corroborated, so the rating is the corroboration label.
"""

from .public import web_url

PUBLISHER = "SummitCMS"


def publisher(request):
    return {"@type": "Organization", "name": PUBLISHER, "url": request.build_absolute_uri("/")}


def date(value):
    return value.date().isoformat() if hasattr(value, "date") else value.isoformat()


def creative_work(source):
    """A source as the article it is. Reads ``source.outlet``: select it."""
    work = {"@type": "CreativeWork", "headline": source.title}
    if web_url(source.url):
        work["url"] = source.url
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.outlet_id:
        work["publisher"] = {"@type": "Organization", "name": source.outlet.name}
    if source.authors:
        work["author"] = {"@type": "Person", "name": source.authors}
    return work


def appearances(entry):
    """Each source once, in the order of the entry's (prefetched) citations."""
    sources = {}
    for citation in entry.citations.all():
        if citation.stance != "contradicts":
            sources.setdefault(citation.source.pk, citation.source)
    return [creative_work(source) for source in sources.values()]


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


def quotation(quote, request):
    """Quotation of a verified quote; reads its speaker and citations."""
    data = {
        "@context": "https://schema.org",
        "@type": "Quotation",
        "url": request.build_absolute_uri(quote.get_absolute_url()),
        "text": quote.text,
        "inLanguage": quote.language,
        "citation": appearances(quote),
    }
    if quote.speaker_id:
        data["spokenByCharacter"] = data["creator"] = {"@type": "Person", "name": quote.speaker.name}
    elif quote.speaker_organization_id:
        data["creator"] = {"@type": "Organization", "name": quote.speaker_organization.name}
    elif quote.speaker_statement_id and quote.speaker_statement.is_public:
        data["isPartOf"] = {"@type": "CreativeWork", "name": quote.speaker_statement.title}
    if quote.said_on:
        data["dateCreated"] = quote.said_on.isoformat()
    return data
