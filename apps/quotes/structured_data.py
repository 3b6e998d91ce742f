"""Quotation JSON-LD for a quote's page."""

from apps.editorial.structured_data import appearances


def one_or_all(nodes):
    """A single node as itself, several as a list (schema.org takes either)."""
    return nodes[0] if len(nodes) == 1 else nodes


def quotation(quote, request):
    """Quotation of a verified quote; reads its speakers (``with_speakers``), a joint
    statement's signatories and its citations."""
    data = {
        "@context": "https://schema.org",
        "@type": "Quotation",
        "url": request.build_absolute_uri(quote.get_absolute_url()),
        "text": quote.text,
        "inLanguage": quote.language,
        "citation": appearances(quote),
    }
    people = [{"@type": "Person", "name": person.name} for person in quote.co_speaker_list]
    if quote.speaker_id:
        people.insert(0, {"@type": "Person", "name": quote.speaker.name})
        data["spokenByCharacter"] = data["creator"] = one_or_all(people)
    elif quote.speaker_organization_id:
        organization = {"@type": "Organization", "name": quote.speaker_organization.name}
        data["creator"] = one_or_all([organization, *people])
        if people:
            data["spokenByCharacter"] = one_or_all(people)
    elif quote.speaker_statement_id and quote.speaker_statement.is_public:
        data["isPartOf"] = {"@type": "CreativeWork", "name": quote.speaker_statement.title}
        if signatories := quote.statement_signatories:
            data["isPartOf"]["creator"] = one_or_all([{"@type": "Person", "name": p.name} for p in signatories])
    if quote.said_on:
        data["dateCreated"] = quote.said_on.isoformat()
    return data
