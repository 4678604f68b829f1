"""English -> Norwegian query expansion for English questions.

No translation model can be installed offline here, and the multilingual embedding model matches English
questions to Norwegian text only loosely (R@5 about 0.7 on an English probe). So an English question is
expanded with the Norwegian words of a small bilingual lexicon of municipal-report vocabulary before it
is searched: "How many apprentices does the municipality employ?" is searched as itself plus
"lærlinger kommunen ansatte". The lexicon is general domain vocabulary (economy, staff, schools, health,
climate, housing, democracy), not answers to particular questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# English lemma or phrase -> Norwegian words (bokmål, as the report writes them)
LEXICON: dict[str, str] = {
    # the municipality and its people
    "municipality": "kommunen", "municipal": "kommunale", "council": "kommunestyret", "city council": "kommunestyret",
    "executive committee": "formannskapet", "mayor": "ordfører", "chief executive": "kommunedirektør",
    "resident": "innbyggere", "inhabitant": "innbyggere", "citizen": "innbyggere", "population": "befolkning",
    "people": "innbyggere", "merge": "slå sammen sammenslåing", "merger": "sammenslåing kommunesammenslåing",
    "phone": "telefon", "telephone": "telefon", "phone number": "telefon", "address": "adresse besøksadresse",
    "email": "e-post", "value": "verdier", "vision": "visjon", "goal": "mål", "target": "mål", "plan": "plan",
    "thematic plan": "temaplan", "strategy": "strategi", "report": "rapport", "period": "perioden",
    # democracy
    "meeting": "møter", "case": "saker", "committee": "utvalg", "local community committee": "lokalsamfunnsutvalg",
    "member": "medlemmer", "election": "valg", "voter turnout": "valgdeltakelse", "democracy": "lokaldemokrati",
    "politician": "politikere folkevalgte", "youth council": "ungdomsråd", "joint committee": "fellesnemnda",
    "participation": "medvirkning", "volunteer": "frivillig", "voluntary": "frivillig", "volunteering": "frivillig arbeid",
    "citizen service centre": "innbyggertorg", "service centre": "innbyggertorg",
    # economy
    "budget": "budsjett", "operating budget": "driftsbudsjett", "economy": "økonomi", "finance": "økonomi",
    "net operating result": "netto driftsresultat", "operating result": "driftsresultat", "debt": "gjeld lånegjeld",
    "debt ratio": "gjeldsgrad", "loan": "lån", "invest": "investert investeringer", "investment": "investeringer",
    "reserve": "disposisjonsfond", "fund": "fond", "tax": "skatt", "property tax": "eiendomsskatt",
    "income": "inntekter", "revenue": "inntekter", "cost": "kostnader koster", "spend": "brukt", "money": "midler",
    "maintenance": "vedlikehold", "efficiency": "effektivisering", "salary": "lønn", "wage": "lønn", "million": "mill.",
    "billion": "mrd.", "krone": "kroner", "fee": "gebyrer",
    # staff
    "employee": "ansatte medarbeidere", "staff": "ansatte medarbeidere", "employ": "ansatt ansatte",
    "worker": "ansatte", "sick leave": "sykefravær", "sickness absence": "sykefravær", "absence": "fravær",
    "apprentice": "lærlinger", "apprenticeship": "lærlinger", "full-time": "heltid heltidsansatte",
    "full time": "heltid heltidsansatte", "part-time": "deltid", "turnover": "turnover", "recruit": "rekruttere",
    "man-year": "årsverk", "full-time equivalent": "årsverk", "position": "stilling", "age": "alder",
    "woman": "kvinner", "man": "menn", "competence": "kompetanse", "leader": "ledere", "manager": "ledere",
    # schools and children
    "school": "skole skoler", "pupil": "elever", "student": "elever", "teacher": "lærere", "kindergarten": "barnehage",
    "nursery": "barnehage", "preschool": "barnehage", "kindergarten place": "barnehageplasser", "child": "barn",
    "youth": "ungdom", "young people": "unge ungdom", "teenager": "ungdom ungdomsskoleelever",
    "lower secondary": "ungdomsskole", "upper secondary": "videregående", "complete": "fullfører",
    "bully": "mobbet mobbing", "bullying": "mobbing mobbet", "wellbeing": "trivsel", "after-school": "SFO",
    "after-school care": "SFO", "grade": "trinn", "capacity": "kapasitet", "coverage": "dekning",
    "teacher norm": "pedagognormen", "norm": "normen",
    # health and welfare
    "health": "helse", "mental health": "psykisk helse", "mental": "psykiske", "elderly": "eldre", "senior": "eldre",
    "nursing home": "sykehjem institusjon", "home care": "hjemmetjenester", "care": "omsorg",
    "welfare": "velferd", "welfare technology": "velferdsteknologi", "safety alarm": "trygghetsalarm",
    "alarm": "trygghetsalarm", "disability": "funksjonsnedsettelser", "housing for": "boliger for",
    "refugee": "flyktninger", "settle": "bosatt bosette", "receive": "ta imot", "integration": "integrering",
    "vaccinate": "vaksinert", "vaccination": "vaksinert", "physical activity": "fysisk aktivitet",
    "pandemic": "pandemien", "corona": "korona koronapandemien", "covid": "korona koronapandemien",
    "waiting list": "ventelister", "public health": "folkehelse", "drug": "rus",
    # climate and environment
    "climate": "klima", "climate target": "klimamål klimagassutslippene", "emission": "utslipp klimagassutslipp",
    "greenhouse gas": "klimagass klimagassutslipp", "carbon": "CO2", "reduce": "redusere", "reduction": "reduksjon",
    "electric car": "elbil", "electric vehicle": "elkjøretøy elbil", "electric": "elektriske", "vehicle": "kjøretøy",
    "charging": "lading ladepunkter", "charging station": "ladestasjoner ladepunkter",
    "waste": "avfall", "household waste": "husholdningsavfall", "recycling": "gjenvinning materialgjenvinning",
    "reuse": "ombruk", "reuse centre": "ombrukssenter", "energy": "energi", "electricity": "elektrisitet strøm",
    "nature": "natur naturmangfold", "biodiversity": "naturmangfold", "environment": "miljø",
    "agricultural land": "dyrket jord dyrkbar jord", "farmland": "dyrket jord", "coast": "kyst", "shore": "strandsonen",
    "coastal path": "kyststien", "street light": "veilys lysarmaturer", "streetlight": "lysarmaturer",
    "led": "LED", "water": "vann", "drinking water": "drikkevann", "sewage": "avløp", "noise": "støy",
    "air": "luft", "pollution": "forurensning",
    # housing, land and transport
    "housing": "boliger", "home": "boliger", "dwelling": "boliger", "apartment": "leiligheter", "build": "bygget bygge",
    "building": "bygg", "construction": "bygg anlegg", "population growth": "befolkningsvekst", "growth": "vekst",
    "transport": "transport samferdsel", "public transport": "kollektivtilbudet kollektivtransport",
    "bus": "buss", "train": "tog", "road": "vei", "cycle": "sykkel", "bicycle": "sykkel", "walk": "gange",
    "ferry": "ferge", "tunnel": "tunnel", "town centre": "tettsted sentrum", "planning": "planlegging",
    "building permit": "byggetillatelse byggesøknad", "permit": "tillatelse",
    # business and work
    "job": "arbeidsplasser", "workplace": "arbeidsplasser", "business": "næringsliv næringsutvikling",
    "company": "bedrifter foretak", "commute": "pendler pendle", "commuter": "pendler", "unemployment": "ledighet",
    "innovation": "innovasjon", "digitalisation": "digitalisering", "digitalization": "digitalisering",
    "ranking": "plassering", "rank": "plassering", "patent": "patenter",
    # culture and leisure
    "library": "bibliotek", "church": "kirke", "church of norway": "Den norske kirke", "religion": "tros- og livssyn",
    "faith": "tros", "sport": "idrett", "sports club": "idrettslag", "sports hall": "idrettshall",
    "culture": "kultur", "swimming pool": "svømmehall bad", "opening hour": "åpningstider", "museum": "museum",
    "ship": "skip skute", "outdoor": "friluftsliv",
    # quantities and questions
    "share": "andel", "proportion": "andel", "percentage": "prosent andel", "percent": "prosent", "rate": "andel",
    "number": "antall", "average": "gjennomsnitt gjennomsnittlig", "increase": "økte økning", "rise": "økning",
    "decrease": "nedgang", "year": "år", "per year": "årlig per år", "annual": "årlig", "why": "hvorfor årsak",
    "largest": "største", "biggest": "største", "satisfied": "fornøyd", "safe": "trygg trygge",
}

_PLURAL: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"ies$"), "y"), (re.compile(r"(ses|xes|ches|shes)$"), lambda m: m.group(1)[:-2]), (re.compile(r"s$"), "")]
_ING = re.compile(r"(ing|ed)$")


def lemmas(word: str) -> list[str]:
    """The word and crude English base forms (`apprentices` -> `apprentice`, `employed` -> `employ`)."""
    out = [word]
    for pattern, repl in _PLURAL:
        if pattern.search(word) and len(word) > 3:
            out.append(pattern.sub(repl, word))
            break
    if _ING.search(word) and len(word) > 5:
        out.append(_ING.sub("", word))
    return out


def expand(question: str) -> str:
    """The question followed by the Norwegian words for the lexicon entries it mentions."""
    found = translations(question)
    return f"{question} {' '.join(found)}".strip() if found else question


def translations(question: str) -> list[str]:
    """The Norwegian words of each lexicon entry the question mentions, one string per entry."""
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", question.lower())
    found: list[str] = []
    used = [False] * len(words)
    for size in (3, 2, 1):  # longest phrase first: "sick leave" before "leave"
        for i in range(len(words) - size + 1):
            if any(used[i : i + size]):
                continue
            for variant in {" ".join(v) for v in _variants(words[i : i + size])}:
                if variant in LEXICON:
                    found.append(LEXICON[variant])
                    used[i : i + size] = [True] * size
                    break
    return list(dict.fromkeys(found))


def _variants(phrase: list[str]) -> list[list[str]]:
    # only the last word of a phrase is inflected ("sick leaves" hardly occurs, "electric cars" does)
    return [phrase[:-1] + [w] for w in lemmas(phrase[-1])]
