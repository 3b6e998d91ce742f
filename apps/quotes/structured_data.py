"""Quotation JSON-LD for a quote's page."""

from apps.editorial.structured_data import appearances


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
