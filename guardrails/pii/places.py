"""Street addresses outside Poland and places that say where a person is.

Addresses (:class:`IntlAddressRecognizer`): a street line in the shapes of the markets the shop sells to and of
presidio-research's data: "2657 Koontz Lane", "10 Downing Street", "Hauptstraße 12", "Lille Vibyvej 8",
"Rue de la Sarthe 421", "Via Carlo Cattaneo 130", "Gosposka ulica 47", "vul. Khreshchatyk 22", P.O. boxes and
military addresses, unit lines ("Apt. 705", "Suite 286"), then whatever follows it on the same envelope: unit,
city, region code, country and postcode, separated by commas or line breaks. A street line without a street word
("52 Stubben 149") needs an address cue before it ("address", "lives at", "send it to", "adres", "Anschrift") or
to stand at the start of a line. A postcode alone needs "zip code"/"kod pocztowy"/"PLZ".

Places (:class:`PersonalPlaceRecognizer`): a place name right after words that tie it to a person ("I live in",
"I'm in", "moved here from", "originally from", "grew up in", "mieszkam w", "pochodzę z", "wohne in"). City and
country names elsewhere ("the Warsaw project", "delivery to Gdańsk") are not personal data and stay; spaCy's
LOCATION findings are kept by the masker only in a personal sentence (see :mod:`guardrails.pii.masker`).
"""

from __future__ import annotations

from typing import Any

import regex as re
from presidio_analyzer import LocalRecognizer, RecognizerResult

_NUM = r"\d{1,5}[A-Za-z]?(?:\s?[/-]\s?\d{1,5}[A-Za-z]?)?"
_W = r"[^\W\d_][\w'’.-]*"
_CW = r"\p{Lu}[\w'’.-]*"
_EN_SUFFIX = (r"(?i:street|st\.|road|rd\.?|avenue|ave\.?|lane|ln\.?|drive|dr\.|boulevard|blvd\.?|way|court|ct\.?|"
              r"place|terrace|close|crescent|square|sq\.|parkway|pkwy\.?|highway|hwy\.?|circle|cir\.?|trail|row|"
              r"gardens|grove|walk|mews|loop|alley|plaza|heights|road)")
_PREFIX = (r"(?i:rue|avenue|av\.|boulevard|bd\.?|chemin|allée|allee|impasse|quai|route|via|viale|piazza|piazzale|corso|"
           r"largo|vicolo|calle|avenida|avda\.|carrer|camino|camiño|paseo|plaza|rua|r\.|praça|travessa|estrada|strada|"
           r"trg|ulitsa|vul\.|vulytsia|вул\.|вулиця|prospekt|пр\.|pr\.|zona|rruga|bulevardul|calea|aleea|piata|"
           r"náměstí|namesti|nábřeží|ulice|ulica|aleja|aleje|ul\.|al\.|plac|pl\.|os\.|osiedle)")
_IN_WORD = (r"(?i:\w*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|steig|pfad|vej|gade|gaden|gatan|"
            r"gata|vägen|veien|vegen|väg|stigen|laan|straat|plein|gracht|kade|dreef|singel|katu|tie|kuja|polku|"
            r"utca|út|tér|ulice|ulica|náměstí|námestie|nábrežie|třída|trieda|iela|gatvė|g\.|prospektas|cesta|"
            r"vulytsia|вулиця|проспект))")
_UNIT = r"(?i:apt\.?|apartment|suite|ste\.|unit|flat|lok\.?|lokal|m\.|wohnung|byt|кв\.?)\s*#?\s*\d{1,5}[A-Za-z]?"
_BOX = (r"(?i:p\.?\s?o\.?\s?box|postfach|skrytka pocztowa)\s+\d{1,6}|(?:Unit|PSC)\s+\d{3,5},?\s+Box\s+\d{3,5}"
        r"|(?:USNS|USNV|USS|USCGC)\s+[A-Z][a-z]+")
_ZIP = (r"(?:[A-Z]{2}-)?\d{5}(?:-\d{4})?|\d{2}-\d{3}|\d{3}\s\d{2}|\d{4}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
        r"|(?:FPO|APO|DPO)\s+(?:AA|AE|AP)\s+\d{5}")
_CUE = (r"(?i:address(?:es)?|adres\w*|adresse|anschrift|adresa|адреса|lives? at|living at|lives in|sen[dt](?: \w+){0,3}"
        r" to|ship(?:ped)?(?: it)? to|deliver\w*(?: it)? to|return(?: it)? to|(?:is|are) at|located at|moved to|"
        r"taxi to|it'?s in|meet(?: me| us)? at|here they are|na adres|dostawa na|wysyłka na|przy|wohne? in|"
        r"wohnhaft|bydlím (?:na|v))")
_STOP = frozenset(["and", "or", "for", "in", "on", "to", "the", "a", "an", "is", "was", "are", "be", "with", "of", "at", "from", "this", "that", "please", "i", "we", "you", "he", "she", "it", "they", "my", "our", "your", "his", "her", "their", "by", "as", "if", "but", "so", "then", "there", "here", "what", "where", "when", "who", "how", "card", "number", "phone", "tel", "fax", "office", "mobile", "email"])

_STREET = re.compile(
    r"(?<![\w/-])(?:"
    rf"(?P<en>(?:{_NUM}\s+){{1,2}}(?:{_W}\s+){{0,4}}?{_EN_SUFFIX}(?![\w])(?:\s+{_NUM}(?![\w]))?)"
    rf"|(?P<pre>(?:{_NUM}\s+){{0,2}}{_PREFIX}\s*(?:{_W}\s+){{0,5}}?{_NUM}(?![\w]))"
    rf"|(?P<suf>(?:{_NUM}\s+){{0,2}}(?:{_CW}\s+){{0,3}}?{_IN_WORD}\s+{_NUM}(?![\w]))"
    rf"|(?P<box>{_BOX})"
    rf"|(?P<unit>{_UNIT})(?![\w])"
    r")")
_GENERIC = re.compile(rf"(?<![\w/-])(?:{_NUM}\s+){{1,2}}(?:{_W}[ \t]+){{0,4}}?(?:{_W}(?:[ \t]+{_NUM})?)(?![\w])")
_CUE_BEFORE = re.compile(rf"{_CUE}(?:\s+(?:is|are|to|was|with))*\s*:?\s*$")
_TW = r"[^\W\d_](?:[^\W\d_]|['’-])*"
_TAIL = re.compile(
    r"(?P<sep>[ \t]*[,\n][\s,>?]*|[ \t]+)"
    rf"(?P<part>{_UNIT}|(?:{_ZIP})(?![ \t]*[-\d(])|nan|[A-Z]{{2,3}}(?:\s+\d{{4,5}})?|(?:{_TW})(?:[ \t]+{_TW}){{0,3}}(?:[ \t]+(?:{_ZIP}))?)"
    r"(?![\w])")
_ZIP_CUE = re.compile(rf"(?i:zip(?: ?code)?|postal code|post ?code|postleitzahl|plz|kod pocztowy|psč)"
                      rf"(?:\W|is|was|to|jest|ist){{0,6}}({_ZIP})(?!\w)")
_ALPHA = re.compile(r"[^\W\d_]+")
_NEAR_ADDRESS = re.compile(r"\d[^\n.]{0,25}$|\n[\s>?]*$")
_TAIL_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_MEASURE_STEMS = ("szt", "sztuk", "pcs", "piece", "opak", "rolk", "rolek", "paczk", "paczek", "krążk", "krazk",
                  "karton", "bęb", "bebn", "metr", "proc", "percent")
_MEASURES = frozenset(["m", "mb", "km", "kg", "x", "pc", "op", "units", "unit"])
"""A number followed by one of these counts or measures ("przy 60 sztukach", "at 40 pcs"): no street line."""
_INNER = frozenset(["and", "of", "de", "la", "del", "di", "du", "des", "von", "van", "der", "den", "upon", "am", "nad"])


class IntlAddressRecognizer(LocalRecognizer):
    """ADDRESS for street lines and the city/country/postcode lines after them (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["ADDRESS"], supported_language="en", name="IntlAddressRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return ADDRESS results: street lines (0.7, 0.75 after a cue) extended over the envelope lines after them."""
        if not any(c.isdigit() for c in text) and "USCGC" not in text and "USNS" not in text:
            return []
        out: list[tuple[int, int, float]] = []
        taken: list[tuple[int, int]] = []
        for m in _STREET.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            if m.lastgroup == "unit" and not self._near_address(text, m.start()):
                continue
            out.append((m.start(), self._extend(text, m.end()), 0.75 if self._cued(text, m.start()) else 0.7))
            taken.append(out[-1][:2])
        for m in _GENERIC.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            line_start = m.start() == 0 or text[max(0, m.start() - 6):m.start()].rstrip(" \t>?").endswith("\n")
            if not (self._cued(text, m.start()) or line_start) or not any(c.isdigit() for c in m.group()):
                continue
            words = _ALPHA.findall(m.group())
            if not words or all(w.lower() in _STOP for w in words) or self._measure(words[0]):
                continue
            out.append((m.start(), self._extend(text, m.end()), 0.7))
        for m in _ZIP_CUE.finditer(text):
            out.append((m.start(1), m.end(1), 0.75))
        return [RecognizerResult("ADDRESS", s, e, score, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }) for s, e, score in out]

    @staticmethod
    def _measure(word: str) -> bool:
        """True for a quantity or measure word: "przy 60 sztukach" is a volume after a cue ("przy"), not a street."""
        low = word.lower()
        return low in _MEASURES or low.startswith(_MEASURE_STEMS)

    @staticmethod
    def _cued(text: str, start: int) -> bool:
        return bool(_CUE_BEFORE.search(text[max(0, start - 40):start]))

    @staticmethod
    def _near_address(text: str, start: int) -> bool:
        """A unit line alone ("Suite 12") counts only within an envelope: a number or a line break close before."""
        before = text[max(0, start - 30):start]
        return bool(_NEAR_ADDRESS.search(before))

    @staticmethod
    def _extend(text: str, end: int, max_parts: int = 6) -> int:
        """Return the end after the unit/city/region/country/postcode parts that follow a street line.

        A part after a comma or a line break may be any place-like words (lower case too in a lower-case text);
        after a plain space its words must be capitalised, or the sentence simply goes on.
        """
        lower_text = text == text.lower()
        for _ in range(max_parts):
            m = _TAIL.match(text, end)
            if m is None:
                break
            words = _TAIL_WORD.findall(m.group("part"))
            if words and (words[0].lower() in _STOP or words[-1].lower() in _STOP
                          or any(w.lower() in _STOP and w.lower() not in _INNER for w in words)):
                break
            spaced = "," not in m.group("sep") and "\n" not in m.group("sep")
            unit = len(words) == 1 and m.group("part").lower().startswith(("apt", "suite", "unit", "flat"))
            if (any(not w[0].isupper() and w.lower() not in _INNER for w in words) and (spaced or not lower_text)
                    and not unit):
                break
            end = m.end()
        return end


_PLACE_CUE = re.compile(
    r"(?i:(?<!\w)(?:i|we|he|she|they|you)(?:'m|'re|'s| am| are| is| was| were)? (?:now |currently |still )?in"
    r"|(?<!\w)(?:i|we|he|she|they|you)(?:'ve)? (?:live[sd]?|living|stay(?:ing|ed)?|work(?:ing)?|moved|grew up|was born|"
    r"were born) (?:here |there )?(?:in|at|from|to)"
    r"|(?:lives?|living|moved(?: here| there)?|originally|grew up|born|resident|residing|home ?town is|"
    r"(?:trip|coming|going|travel\w*|flying|fly|visit\w*) (?:to|in)) (?:in|from|to|of)?"
    r"|mieszka\w*(?: obecnie| teraz)? w|jestem(?: teraz| obecnie)? w|pochodz\w* z|urodzi\w* się w|przeprowadzi\w* się (?:do|z)"
    r"|wohne?\w* in|komme aus|bydlím v|žiju v|where:)"
    r"\s+")
_PLACE = re.compile(r"(?:[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻČŠŽŘĚŮÝÍÁÉΑ-ΩА-ЯІЇЄ][\w'’.-]*)(?:[ -](?:[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻČŠŽŘĚΑ-ΩА-ЯІЇЄ]"
                    r"[\w'’.-]*|of|and|de|del|la|di|du|upon|am|an der|nad))*")
_PLACE_STOP = frozenset(["The", "A", "An", "This", "That", "My", "Our", "Your", "His", "Her", "Their", "I", "We", "You", "He", "She", "They", "It", "Poland", "Polska"])


class PersonalPlaceRecognizer(LocalRecognizer):
    """LOCATION for a place name right after words that tie it to a person (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["LOCATION"], supported_language="en", name="PersonalPlaceRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return LOCATION results for capitalised place names after a personal cue (0.86: above spaCy's 0.85
        PERSON, which the small model often says for "Berlin Spandau")."""
        out: list[RecognizerResult] = []
        for cue in _PLACE_CUE.finditer(text):
            m = _PLACE.match(text, cue.end())
            if m is None or m.group().split()[0] in _PLACE_STOP:
                continue
            value = re.sub(r"(?:[ -](?:of|and|de|del|la|di|du|upon|am|an der|nad))+$", "", m.group()).rstrip(".'’-")
            out.append(RecognizerResult("LOCATION", m.start(), m.start() + len(value), 0.86, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }))
        return out
