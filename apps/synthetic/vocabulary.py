"""The words the synthetic corpus is built from (see ``apps.synthetic.corpus``).

Countries and cities are real, so search and filters behave as they do on real
coverage; every person, outlet and company is invented, so no generated quote is put
in a real person's mouth and no fabricated report is credited to a real newsroom.

Sentences must keep to one line with single spaces (the generator computes excerpt
offsets on that assumption and checks it), use typographic apostrophes and quotation
marks as published text does, and format with ``str.format_map``.
"""

# name, capital, adjective, currency, another city, naming region
COUNTRIES = [
    ("Russia", "Moscow", "Russian", "roubles", "Kazan", "slavic"),
    ("China", "Beijing", "Chinese", "yuan", "Shanghai", "chinese"),
    ("India", "New Delhi", "Indian", "rupees", "Mumbai", "south_asian"),
    ("Brazil", "Brasília", "Brazilian", "reais", "São Paulo", "iberian"),
    ("South Africa", "Pretoria", "South African", "rand", "Johannesburg", "african"),
    ("Kazakhstan", "Astana", "Kazakh", "tenge", "Almaty", "central_asian"),
    ("Uzbekistan", "Tashkent", "Uzbek", "soums", "Samarkand", "central_asian"),
    ("Turkey", "Ankara", "Turkish", "lira", "Istanbul", "central_asian"),
    ("Iran", "Tehran", "Iranian", "rials", "Isfahan", "middle_eastern"),
    ("Indonesia", "Jakarta", "Indonesian", "rupiah", "Surabaya", "southeast_asian"),
    ("Egypt", "Cairo", "Egyptian", "pounds", "Alexandria", "middle_eastern"),
    ("Saudi Arabia", "Riyadh", "Saudi", "riyals", "Jeddah", "middle_eastern"),
    ("United Arab Emirates", "Abu Dhabi", "Emirati", "dirhams", "Dubai", "middle_eastern"),
    ("Vietnam", "Hanoi", "Vietnamese", "dong", "Ho Chi Minh City", "southeast_asian"),
    ("Mongolia", "Ulaanbaatar", "Mongolian", "tögrög", "Darkhan", "central_asian"),
    ("Belarus", "Minsk", "Belarusian", "roubles", "Brest", "slavic"),
    ("Serbia", "Belgrade", "Serbian", "dinars", "Novi Sad", "slavic"),
    ("Hungary", "Budapest", "Hungarian", "forints", "Debrecen", "slavic"),
    ("Argentina", "Buenos Aires", "Argentine", "pesos", "Córdoba", "iberian"),
    ("Ethiopia", "Addis Ababa", "Ethiopian", "birr", "Dire Dawa", "african"),
    ("Pakistan", "Islamabad", "Pakistani", "rupees", "Karachi", "south_asian"),
    ("Malaysia", "Kuala Lumpur", "Malaysian", "ringgit", "Penang", "southeast_asian"),
]

# Invented names, grouped loosely by region so that a name fits its country.
GIVEN_NAMES = {
    "slavic": ["Arkady", "Bogdan", "Darina", "Gleb", "Irina", "Lada", "Miron", "Oksana", "Radomir", "Vesna"],
    "chinese": ["Bao", "Chen", "Daiyu", "Guang", "Huan", "Jian", "Lan", "Ming", "Rui", "Xiu"],
    "south_asian": ["Aarav", "Devika", "Farhan", "Ishaan", "Kavya", "Nadia", "Rohan", "Sana", "Tariq", "Vikram"],
    "iberian": ["Alejandro", "Beatriz", "Caio", "Dolores", "Emilio", "Fernanda", "Gaspar", "Inês", "Lucía", "Rafael"],
    "african": ["Abebe", "Chidera", "Desta", "Lerato", "Mandla", "Naledi", "Sipho", "Tigist", "Themba", "Zola"],
    "central_asian": ["Aibek", "Dilnoza", "Emre", "Gulnara", "Kanat", "Leyla", "Murat", "Saule", "Timur", "Zarina"],
    "middle_eastern": ["Amir", "Dalia", "Farid", "Hoda", "Karim", "Laila", "Nasser", "Rania", "Samir", "Yasmin"],
    "southeast_asian": ["Anh", "Budi", "Dewi", "Hanh", "Indra", "Linh", "Putri", "Quang", "Sari", "Tuan"],
}
FAMILY_NAMES = {
    "slavic": ["Belov", "Drozdova", "Gorshkov", "Lapteva", "Mirnov", "Ostrova", "Rudenko", "Sokolin", "Tarasenko"],
    "chinese": ["Bai", "Deng", "Feng", "Gao", "Jiang", "Kong", "Lu", "Pan", "Shen", "Tang"],
    "south_asian": ["Bhandari", "Chaudhry", "Desai", "Iyer", "Kapadia", "Malhotra", "Qureshi", "Rao", "Sethi"],
    "iberian": ["Albuquerque", "Barros", "Cardoso", "Echeverría", "Figueira", "Ledesma", "Montero", "Quiroga"],
    "african": ["Abera", "Dlamini", "Gebre", "Khumalo", "Mekonnen", "Mokoena", "Ndlovu", "Tesfaye", "Zulu"],
    "central_asian": ["Abdullaev", "Bekova", "Demir", "Ergashev", "Kaya", "Nurlanov", "Sadykova", "Yildiz"],
    "middle_eastern": ["Al-Amin", "Farouk", "Haddad", "Karimi", "Mansour", "Nasseri", "Rahimi", "Saleh"],
    "southeast_asian": ["Dang", "Halim", "Hartono", "Ismail", "Nguyen", "Pham", "Santoso", "Wibowo"],
}

HEAD_ROLE = "President"
OFFICIAL_ROLES = [
    "Minister of Foreign Affairs",
    "Minister of Energy",
    "Minister of Economic Development",
    "Minister of Defence",
    "Deputy Prime Minister",
    "Presidential spokesperson",
    "Minister of Transport",
    "Minister of Agriculture",
    "Deputy Minister of Foreign Affairs",
    "Minister of Finance",
    "Minister of Science and Higher Education",
    "Adviser to the President",
    "Deputy Minister of Energy",
    "Governor of the central bank",
    "Chair of the foreign affairs committee of parliament",
]

# Invented outlets; each country also gets an invented national news agency.
OUTLETS = [
    "Eurasia Wire",
    "Northern Dispatch",
    "Steppe Herald",
    "Silk Road Observer",
    "Pacific Ledger",
    "Continental Tribune",
    "Meridian News Agency",
    "Caspian Courier",
    "Global South Review",
    "Danube Post",
    "Horizon Broadcasting",
    "Summit Monitor",
    "Orient Daily",
    "Volga Gazette",
    "Red Sea Chronicle",
    "Andes Report",
    "Monsoon Times",
    "Baltic Bulletin",
    "Highland Press",
    "Delta Wire Service",
    "Capital Insight",
    "Frontier Journal",
    "Equator News",
    "Atlas Newswire",
]
NEWS_AGENCY = "{adjective} National News Agency"
GOVERNMENT_BODIES = ["Ministry of Foreign Affairs of {country}", "Ministry of Energy of {country}"]
COMPANIES = [
    "Northern Grid Corporation",
    "Silk Road Rail Holdings",
    "Trans-Steppe Pipeline Company",
    "Polar Gas",
    "Orient Shipbuilding",
    "Caspian Petroleum",
    "Eastern Grain Trading",
    "United Aerospace Works",
    "Meridian Nuclear",
    "Highland Mining",
    "Harbour Logistics Group",
    "Sunrise Telecom",
    "Great River Hydropower",
    "Continental Bank for Development",
    "Amber Chemicals",
    "Falcon Motors",
]
INTERNATIONAL_BODIES = [
    "Eurasian Development Council",
    "Council of Southern Economies",
    "Organisation for Continental Security",
    "Intergovernmental Commission on Trade",
]

TOPICS = [
    ("Trade", "Trade volumes, targets and tariffs."),
    ("Energy", "Oil, gas, coal, electricity and nuclear power."),
    ("Military", "Exercises, patrols, arms and military cooperation."),
    ("Media", "News agencies, broadcasters and information exchange."),
    ("Science", "Joint research, academies and universities."),
    ("Agriculture", "Grain, meat and food security."),
    ("Transport", "Rail, roads, bridges, ports and logistics."),
    ("Finance", "Payments, currencies, banks and investment funds."),
    ("Education", "Students, exchanges and language teaching."),
    ("Space", "Satellites, launches and lunar research."),
    ("Health", "Medicines, vaccines and hospitals."),
    ("Security", "Regional conflicts, terrorism and borders."),
    ("Diplomacy", "Visits, invitations and the relationship as a whole."),
    ("Technology", "IT, artificial intelligence and telecommunications."),
    ("Culture", "Culture years, tourism and exchanges between peoples."),
]

REGIONS = [
    "the Middle East",
    "the Korean Peninsula",
    "Afghanistan",
    "the South Caucasus",
    "the Sahel",
    "the Red Sea",
    "the Arctic",
    "Central Asia",
    "the Horn of Africa",
    "the South China Sea",
]

EVENT_PARTS = [
    ("Talks in restricted format", "{palace}"),
    ("Talks in expanded format", "{palace}"),
    ("Signing ceremony", "{palace}"),
    ("Joint press briefing", "{palace}"),
    ("State dinner", "{hall}"),
    ("Business forum", "{centre}"),
    ("Plenary session", "{centre}"),
    ("Wreath-laying ceremony", "Memorial park, {city}"),
]
PLACES = {
    "palace": "Presidential palace, {city}",
    "hall": "State banquet hall, {city}",
    "centre": "Congress centre, {city}",
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

SUMMIT_NAMES = [
    "{guest} state visit to {host}, {month} {year}",
    "{host}–{guest} summit in {city}, {month} {year}",
    "{guest} official visit to {host}, {month} {year}",
]

SOURCE_TITLES = {
    "news_report": [
        "{host} and {guest} pledge closer {topic} ties at {city} talks",
        "{leader_host} hosts {leader_guest} in {city}: what was agreed",
        "{host}–{guest} summit ends with {count} documents signed",
        "{leader_guest} arrives in {city} for talks on {topic} and trade",
        "Leaders of {host} and {guest} meet in {city}",
    ],
    "analysis": [
        "Analysis: what the {city} summit means for {topic}",
        "Behind the handshakes: {host}, {guest} and the limits of partnership",
        "Analysis: {guest} bets on {host} as {topic} cooperation deepens",
    ],
    "transcript": [
        "Transcript: press statements after the {host}–{guest} talks",
        "Transcript: joint press briefing in {city}",
    ],
    "official_statement": [
        "Statement on the talks between the leaders of {host} and {guest}",
        "Official readout: {leader_host} and {leader_guest} meet in {city}",
    ],
    "wire": [
        "{host}, {guest} sign {topic} deals in {city}",
        "Urgent: {leader_guest} and {leader_host} hold talks in {city}",
        "{city} talks: leaders announce {topic} cooperation",
    ],
}
SOURCE_KINDS = [("news_report", 50), ("analysis", 12), ("transcript", 8), ("official_statement", 10), ("wire", 20)]
RELIABILITY = [("A", 10), ("B", 30), ("C", 30), ("D", 12), ("E", 5), ("F", 13)]

# Sentences that carry no entry: they make a body read like an article.
LEADS = [
    "{leader_guest} arrived in {city} on {day} {month} for talks with {leader_host}.",
    "The leaders of {host} and {guest} met in {city} on {day} {month} {year}.",
    "{leader_host} welcomed {leader_guest} to {city} on {day} {month}, opening {days} days of talks.",
]
FILLERS = [
    "Talks continued for more than {hours} hours, officials said.",
    "The visit is {leader_guest}’s first to {host} since {past_year}.",
    "Security was tight in central {city} throughout the visit.",
    "Observers in {city} described the atmosphere as businesslike.",
    "Neither side gave further details.",
    "The two leaders last met in {other_city} in {past_year}.",
    "Markets in {capital_guest} reacted calmly to the news.",
    "Reporters were not allowed to ask questions after the statements.",
    "The talks were followed by a tour of an exhibition of {adjective_host} industry.",
    "The figures could not be independently verified.",
    "Diplomats in {capital_host} said the visit had been prepared for {months} months.",
    "Critics at home say the partnership is more symbolic than substantial.",
    "The programme of the visit was changed at short notice on the second day.",
    "Earlier this year the two governments agreed to hold a cross-year of culture.",
]
RELAY_SENTENCES = [
    "This report is based on material from {relayed}.",
    "{relayed} reported the figures first.",
    "The account of the talks was first published by {relayed}.",
]

# Claims: a family is one kind of fact. ``statements`` word the claim (the second is
# used for duplicates); ``reports`` are how sources put it; ``detail`` refines it;
# ``x`` is the number the fact turns on (None for facts without one).
CLAIM_FAMILIES = [
    {
        "topic": "Trade",
        "x": ("billions", 20, 320),
        "unit": "USD",
        "period": "{past_year}",
        "statements": [
            "Trade between {host} and {guest} reached ${x} billion in {past_year}.",
            "{host}–{guest} trade was worth ${x} billion in {past_year}.",
        ],
        "reports": [
            "Bilateral trade with {guest} reached ${x} billion in {past_year}, {official} told reporters in {city}.",
            "According to customs figures, trade between {host} and {guest} hit ${x} billion in {past_year}.",
            "{adjective_host} trade with {guest} stood at ${x} billion in {past_year}, up {pct} % on the year before.",
            "The two sides noted that trade turnover had reached ${x} billion in {past_year}.",
        ],
        "detail": ", up {pct} % on the year before",
    },
    {
        "topic": "Trade",
        "x": ("billions", 50, 500),
        "unit": "USD",
        "period": "by {future_year}",
        "statements": [
            "{host} and {guest} aim to raise annual trade to ${x} billion by {future_year}.",
            "The two countries set a target of ${x} billion in yearly trade by {future_year}.",
        ],
        "reports": [
            "The leaders set a goal of ${x} billion in annual trade by {future_year}.",
            "{leader_host} said the two countries would seek to lift trade to ${x} billion by {future_year}.",
            "Officials in {city} spoke of a target of ${x} billion in two-way trade by {future_year}.",
        ],
        "detail": ", from ${x_low} billion in {past_year}",
    },
    {
        "topic": "Energy",
        "x": ("integer", 5, 60),
        "unit": "bcm a year",
        "period": "from {future_year}",
        "statements": [
            "{company} will supply {x} billion cubic metres of gas a year to {guest}.",
            "{guest} is to receive {x} bcm of gas annually from {company}.",
        ],
        "reports": [
            "Under the deal, {company} is to deliver {x} billion cubic metres of natural gas to {guest} each year.",
            "{company} agreed to ship {x} bcm of gas a year to {guest}, {official} said.",
            "Gas deliveries from {company} to {guest} should reach {x} billion cubic metres a year by {future_year}.",
        ],
        "detail": " from {future_year}",
    },
    {
        "topic": "Diplomacy",
        "x": ("integer", 3, 40),
        "unit": "agreements",
        "period": "",
        "statements": [
            "{host} and {guest} signed {x} agreements during the visit.",
            "{x} documents were signed during the visit to {city}.",
        ],
        "reports": [
            "In all, {x} documents were signed during the visit to {city}.",
            "The delegations signed {x} agreements covering trade, energy and transport.",
            "{leader_host} and {leader_guest} oversaw the signing of {x} agreements at the {part}.",
        ],
        "detail": " at the {part}",
    },
    {
        "topic": "Military",
        "x": ("integer", 2, 12),
        "unit": "exercises",
        "period": "{future_year}",
        "statements": [
            "{host} and {guest} will hold {x} joint military exercises in {future_year}.",
            "The armed forces of {host} and {guest} plan {x} joint exercises in {future_year}.",
        ],
        "reports": [
            "The defence ministries agreed to hold {x} joint exercises in {future_year}, with naval and air patrols.",
            "{official} said {x} joint drills were planned for {future_year}.",
            "Plans call for {x} joint military exercises in {future_year}, according to a defence official.",
        ],
        "detail": ", including joint naval and air patrols",
    },
    {
        "topic": "Finance",
        "x": ("percent", 20, 95),
        "unit": "%",
        "period": "{past_year}",
        "statements": [
            "The share of national currencies in payments between {host} and {guest} has reached {x} %.",
            "{x} % of payments between {host} and {guest} are made in their national currencies.",
        ],
        "reports": [
            "Settlements in national currencies now account for {x} % of payments between {host} and {guest}.",
            "{official} said {x} % of bilateral trade was now settled in {currency_host} and {currency_guest}.",
            "The dollar’s share of their trade has fallen, with {x} % of payments now made in national currencies.",
        ],
        "detail": ", up from {x_low} % in {past_year}",
    },
    {
        "topic": "Transport",
        "x": ("integer", 120, 2400),
        "unit": "km",
        "period": "by {future_year}",
        "statements": [
            "A {x}-kilometre railway between {city} and {other_city} is to open by {future_year}.",
            "The rail link between {city} and {other_city}, {x} kilometres long, should open by {future_year}.",
        ],
        "reports": [
            "Construction of the {x}-kilometre line linking {city} and {other_city} is due to end by {future_year}.",
            "The new {x} km rail link from {city} to {other_city} will open in {future_year}, officials said.",
            "{company} will build a {x}-kilometre railway between {city} and {other_city}.",
        ],
        "detail": ", built by {company}",
    },
    {
        "topic": "Agriculture",
        "x": ("decimal", 0.5, 12),
        "unit": "million tonnes",
        "period": "{future_year}",
        "statements": [
            "{host} will export {x} million tonnes of grain to {guest} in {future_year}.",
            "{guest} is to buy {x} million tonnes of {adjective_host} grain in {future_year}.",
        ],
        "reports": [
            "{leader_host} said {host} was ready to ship {x} million tonnes of grain to {guest} in {future_year}.",
            "Grain exports from {host} to {guest} are set to reach {x} million tonnes in {future_year}.",
            "Under the agriculture protocol, {guest} will import {x} million tonnes of grain from {host}.",
        ],
        "detail": ", mostly wheat and barley",
    },
    {
        "topic": "Science",
        "x": ("integer", 10, 400),
        "unit": "projects",
        "period": "",
        "statements": [
            "{host} and {guest} will fund {x} joint research projects.",
            "The two governments will finance {x} joint scientific projects.",
        ],
        "reports": [
            "The academies of sciences of both countries will finance {x} joint projects, {official} said.",
            "Under the science programme, {x} joint research projects are to receive funding.",
            "{x} joint research projects, from materials science to medicine, will be funded.",
        ],
        "detail": " in artificial intelligence, materials and medicine",
    },
    {
        "topic": "Finance",
        "x": ("billions", 1, 40),
        "unit": "USD",
        "period": "",
        "statements": [
            "{host} and {guest} will set up a ${x} billion joint investment fund.",
            "A joint investment fund of ${x} billion is to be created by {host} and {guest}.",
        ],
        "reports": [
            "The leaders announced a ${x} billion joint investment fund for infrastructure projects.",
            "{official} said the new joint fund would have capital of ${x} billion.",
            "A ${x} billion fund will finance joint projects, according to the {adjective_host} side.",
        ],
        "detail": " for infrastructure projects",
    },
    {
        "topic": "Education",
        "x": ("integer", 1000, 90000),
        "unit": "students",
        "period": "{past_year}",
        "statements": [
            "{x} students from {guest} study in {host}.",
            "{host} hosts {x} students from {guest}.",
        ],
        "reports": [
            "Some {x} students from {guest} are enrolled at universities in {host}, {official} said.",
            "The number of {adjective_guest} students in {host} has reached {x}.",
            "{leader_host} said {x} young people from {guest} were studying in {host}.",
        ],
        "detail": ", twice as many as five years ago",
    },
    {
        "topic": "Space",
        "x": ("integer", 2, 30),
        "unit": "satellites",
        "period": "by {future_year}",
        "statements": [
            "{host} and {guest} will launch {x} joint satellites by {future_year}.",
            "{x} satellites built jointly by {host} and {guest} are to be launched by {future_year}.",
        ],
        "reports": [
            "The space agencies plan to launch {x} jointly built satellites by {future_year}.",
            "{official} said {x} joint satellites would be in orbit by {future_year}.",
            "Cooperation in space will include the launch of {x} satellites by {future_year}.",
        ],
        "detail": " for Earth observation",
    },
    {
        "topic": "Diplomacy",
        "x": None,
        "statements": [
            "{leader_guest} invited {leader_host} to visit {guest} in {future_year}.",
            "{leader_host} accepted an invitation to visit {guest} in {future_year}.",
        ],
        "reports": [
            "{leader_guest} extended an invitation to {leader_host} to make a state visit to {guest} in {future_year}.",
            "An invitation to visit {capital_guest} in {future_year} was accepted, according to {official}.",
            "{leader_host} accepted an invitation to visit {guest} in {future_year}, {official} said.",
        ],
        "detail": ", for a state visit",
    },
    {
        "topic": "Security",
        "x": None,
        "statements": [
            "{leader_host} and {leader_guest} discussed the situation in {region}.",
            "The situation in {region} was discussed at the talks in {city}.",
        ],
        "reports": [
            "{leader_host} and {leader_guest} also discussed the situation in {region} during the {part}.",
            "The talks also covered {region}, {official} said.",
            "The two sides exchanged views on the situation in {region}.",
        ],
        "detail": " during the {part}",
    },
    {
        "topic": "Media",
        "x": None,
        "statements": [
            "{outlet} and {other_outlet} agreed to exchange news content.",
            "A news exchange agreement links {outlet} and {other_outlet}.",
        ],
        "reports": [
            "{outlet} and {other_outlet} signed an agreement on exchanging news, photo and video content.",
            "Under a new agreement, {outlet} will share its content with {other_outlet}.",
            "The heads of {outlet} and {other_outlet} signed a news exchange agreement on the sidelines of the visit.",
        ],
        "detail": ", including photo and video",
    },
    {
        "topic": "Technology",
        "x": ("integer", 2, 25),
        "unit": "data centres",
        "period": "by {future_year}",
        "statements": [
            "{company} will build {x} data centres in {guest} by {future_year}.",
            "{x} data centres are to be built in {guest} by {company} by {future_year}.",
        ],
        "reports": [
            "{company} plans to open {x} data centres in {guest} by {future_year}, {official} said.",
            "The technology agreement provides for {x} new data centres in {guest}.",
            "By {future_year}, {company} expects to run {x} data centres in {guest}.",
        ],
        "detail": " for artificial intelligence workloads",
    },
]

# Quotes are put together from parts, so that a claim can paraphrase one.
QUOTE_OPENERS = [
    ("We are ready to", "{country} was ready to"),
    ("Our countries will", "the two countries would"),
    ("We have agreed to", "the sides had agreed to"),
    ("We intend to", "{country} intended to"),
    ("Together we will", "the two countries would together"),
    ("It is our common task to", "it was a common task to"),
    ("Nobody can stop us from continuing to", "nothing would stop the two countries from continuing to"),
]
QUOTE_VERBS = ["deepen", "expand", "strengthen", "develop", "protect", "diversify"]
QUOTE_OBJECTS = [
    "cooperation in {topic_lower}",
    "our strategic partnership",
    "trade in national currencies",
    "the dialogue between our peoples",
    "joint projects in {topic_lower}",
    "the ties between {capital_host} and {capital_guest}",
    "our trade, now worth ${x} billion a year",
    "contacts between our parliaments",
]
QUOTE_TAILS = [
    "",
    " for the benefit of our peoples",
    " in the spirit of good-neighbourliness",
    " whatever the external pressure",
    " over the next {years} years",
    " step by step",
    " on the basis of equality and mutual respect",
]
QUOTE_SECOND_SENTENCES = [
    "",
    "",
    "",
    ". This is a strategic choice",
    ". Our relations are at their highest level in history",
    ". We do not direct this against anyone",
    ". The world is changing, and we must change with it",
]
# How sources put a quote: {words} is the verbatim text, {said} names the speaker.
QUOTE_REPORTS = [
    "“{words},” {said} said at the {part}.",
    "{Said} said: “{words}.”",
    "“{words},” {said} told reporters in {city}.",
    "Speaking after the talks, {said} said: “{words}.”",
    "“{words}”, {said} said, according to {official}.",
]
JOINT_STATEMENT_REPORTS = [
    "“{words},” the joint statement says.",
    "The joint statement reads: “{words}.”",
    "In their joint statement, the leaders declared: “{words}.”",
]

AGREEMENT_SUBJECTS = {
    "Trade": ["trade in services", "the mutual protection of investments", "e-commerce"],
    "Energy": ["cooperation in nuclear energy", "long-term supplies of liquefied natural gas", "renewable energy"],
    "Transport": ["cross-border rail freight", "a new road bridge across the border", "civil aviation"],
    "Science": ["joint research in physics", "a joint laboratory for artificial intelligence"],
    "Agriculture": ["phytosanitary requirements for grain", "exports of meat and dairy products"],
    "Media": ["the exchange of news content", "cooperation between broadcasters"],
    "Finance": ["settlements in national currencies", "a joint investment fund"],
    "Space": ["a joint lunar research station", "satellite navigation"],
    "Health": ["the joint production of medicines", "cooperation in public health"],
    "Culture": ["a cross-year of culture", "tourist exchanges"],
    "Diplomacy": ["deepening the comprehensive strategic partnership", "visa-free travel for official delegations"],
}
AGREEMENT_TITLES = {
    "joint_statement": "Joint statement of {host} and {guest} on {subject}",
    "agreement": "Agreement between the governments of {host} and {guest} on {subject}",
    "protocol": "Protocol between {host} and {guest} on {subject}",
    "memorandum": "Memorandum of understanding between {host} and {guest} on {subject}",
    "contract": "Contract between {company} and {other_company} on {subject}",
}
AGREEMENT_NAMES = {
    "joint_statement": "joint statement",
    "agreement": "agreement",
    "protocol": "protocol",
    "memorandum": "memorandum of understanding",
    "contract": "contract",
}
AGREEMENT_KINDS = [("agreement", 35), ("memorandum", 30), ("protocol", 15), ("contract", 15), ("joint_statement", 5)]
AGREEMENT_REPORTS = [
    "{party} and {other_party} signed {a_kind} on {subject} at the {part}.",
    "The {kind_name} on {subject} was signed by {signatory} and {other_signatory}.",
    "Among the documents signed in {city} was {a_kind} on {subject}.",
    "{A_kind} on {subject} was also signed, {official} said.",
]
JOINT_STATEMENT_SENTENCES = [
    "In a joint statement on {subject}, the two leaders set out their priorities.",
    "The joint statement on {subject} was adopted after the talks.",
    "{leader_host} and {leader_guest} signed a joint statement on {subject} at the {part}.",
]
