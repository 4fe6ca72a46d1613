"""Reply and justification templates in the customer's language, filled only from tool results and premises."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

from tools.models import (
    ApprovalTicket,
    OnboardingAnswer,
    OnboardingQuestion,
    OrderHistorySummary,
    PremiseOut,
    ProductCard,
)

Lang = Literal["pl", "en"]

T: dict[str, dict[str, str]] = {
    "found": {"en": "Here is what I found for “{query}”:", "pl": "Oto co znalazłem dla zapytania „{query}”:"},
    "found_weak": {"en": "I am not sure these match “{query}”: they are only the closest products I found. Could you "
                         "name the product type or its parameters (e.g. rated current, IP rating)?",
                   "pl": "Nie mam pewności, czy to pasuje do zapytania „{query}”: to tylko najbliższe produkty, jakie "
                         "znalazłem. Czy może Pan/Pani podać rodzaj produktu lub parametry (np. prąd znamionowy, "
                         "stopień IP)?"},
    "found_none": {"en": "I could not find a product matching “{query}”. Could you describe it differently "
                         "(type, rating, brand)?",
                   "pl": "Nie znalazłem produktu pasującego do „{query}”. Czy może Pan/Pani opisać go inaczej "
                         "(typ, parametry, marka)?"},
    "recommend": {"en": "Based on your purchases and similar customers, I suggest:",
                  "pl": "Na podstawie Państwa zakupów i podobnych klientów proponuję:"},
    "recommend_none": {"en": "I have no recommendation yet. What are you working on?",
                       "pl": "Nie mam jeszcze rekomendacji. Nad czym Państwo pracują?"},
    "accessories": {"en": "Customers buying {anchor} usually add:",
                    "pl": "Klienci kupujący {anchor} zwykle dokładają:"},
    "accessories_none": {"en": "I found no accessory that is often bought with {anchor}.",
                         "pl": "Nie znalazłem akcesoriów często kupowanych z {anchor}."},
    "which_product": {"en": "Which product is it about? Please give the product code or a short description.",
                      "pl": "Którego produktu to dotyczy? Proszę podać kod produktu lub krótki opis."},
    "approval": {"en": "I cannot change prices myself, so I passed your request to our sales team (request "
                       "#{id}, status: {status}) for {skus}. They will confirm any special price; until then the "
                       "catalogue price applies.",
                 "pl": "Nie mogę sam zmieniać cen, więc przekazałem prośbę do działu handlowego (zgłoszenie "
                       "nr {id}, status: {status}) dotyczącą {skus}. Potwierdzą ewentualną cenę specjalną; do tego "
                       "czasu obowiązuje cena katalogowa."},
    "approval_pending": {"en": "Your request #{id} for {skus} is already with our sales team (status: pending), so I "
                               "did not file another. Until they decide, the catalogue price applies.",
                         "pl": "Zgłoszenie nr {id} dotyczące {skus} jest już w dziale handlowym (status: oczekuje), "
                               "więc nie składałem kolejnego. Do decyzji obowiązuje cena katalogowa."},
    "approval_approved": {"en": "Good news: our sales team approved your request #{id}: {items} net. The offer is "
                                "valid until {until}.",
                          "pl": "Dział handlowy zatwierdził Państwa zgłoszenie nr {id}: {items} netto. Oferta jest "
                                "ważna do {until}."},
    "approval_approved_no_price": {"en": "Good news: our sales team approved your request #{id} for {skus}; they "
                                         "will send you the offer. It is valid until {until}.",
                                   "pl": "Dział handlowy zatwierdził Państwa zgłoszenie nr {id} dotyczące {skus}; "
                                         "prześle Państwu ofertę. Jest ważna do {until}."},
    "approved_item": {"en": "{sku} at {price}", "pl": "{sku} za {price}"},
    "bestsellers": {"en": "Meanwhile, these are popular with companies like yours:",
                    "pl": "Tymczasem te produkty są popularne w firmach podobnych do Państwa:"},
    "onboarding_noted": {"en": "Thank you, noted: {what}.", "pl": "Dziękuję, zapisałem: {what}."},
    "onboarding_picks": {"en": "With that in mind, I suggest:", "pl": "Biorąc to pod uwagę, proponuję:"},
    "welcome": {"en": "Welcome! To suggest the right products I would like to know you better.",
                "pl": "Witamy! Aby dobrać odpowiednie produkty, chciałbym lepiej poznać Państwa potrzeby."},
    "explain_none": {"en": "I have not recommended anything in this conversation yet.",
                     "pl": "W tej rozmowie nie poleciłem jeszcze żadnego produktu."},
    "out_of_scope": {"en": "I cannot help with that here: I can search the catalogue, suggest products and accessories, "
                           "summarise your past orders and pass price requests to our sales team. For deliveries, "
                           "invoices, payments, returns, complaints or opening hours, please contact your sales "
                           "representative.",
                     "pl": "W tej sprawie nie pomogę: mogę przeszukać katalog, zaproponować produkty i akcesoria, "
                           "podsumować Państwa zamówienia i przekazać prośbę o cenę do działu handlowego. W sprawie "
                           "dostaw, faktur, płatności, zwrotów, reklamacji czy godzin otwarcia proszę skontaktować się z "
                           "opiekunem handlowym."},
    "identity": {"en": "I am an AI assistant, not a person. I can search the catalogue, suggest products and "
                       "accessories, summarise your past orders and pass price requests to our sales team, where "
                       "people decide on prices. For anything else, your sales representative will help.",
                 "pl": "Jestem asystentem AI, nie człowiekiem. Mogę przeszukać katalog, zaproponować produkty i "
                       "akcesoria, podsumować Państwa zamówienia i przekazać prośbę o cenę do działu handlowego, "
                       "gdzie o cenach decydują ludzie. W innych sprawach pomoże opiekun handlowy."},
    "meant": {"en": "The product you mean:", "pl": "Chodzi o ten produkt:"},
    "order_howto": {"en": "I cannot place orders in the chat: please add the product to your order in the shop or "
                          "ask your sales representative.",
                    "pl": "Nie mogę złożyć zamówienia w czacie: proszę dodać produkt do zamówienia w sklepie lub "
                          "skontaktować się z opiekunem handlowym."},
    "thanks": {"en": "Thank you! If you need anything else, just write here.",
               "pl": "Dziękuję! Gdyby Państwo czegoś potrzebowali, proszę pisać."},
    "popular": {"en": "These sell best among companies like yours:",
                "pl": "Te produkty najlepiej sprzedają się w firmach podobnych do Państwa:"},
    "popular_all": {"en": "These are our bestsellers across all customers:",
                    "pl": "To nasze bestsellery wśród wszystkich klientów:"},
    "alternatives": {"en": "Products similar to {anchor}:", "pl": "Produkty podobne do {anchor}:"},
    "alternatives_none": {"en": "I found no product similar to {anchor}.",
                          "pl": "Nie znalazłem produktów podobnych do {anchor}."},
    "same_spec": {"en": "Products with the same specification as {anchor} ({price} net):",
                  "pl": "Produkty o tej samej specyfikacji co {anchor} ({price} netto):"},
    "same_spec_none": {"en": "No other product has exactly the specification of {anchor}; the closest ones are:",
                       "pl": "Żaden inny produkt nie ma dokładnie specyfikacji {anchor}; najbliższe to:"},
    "cheaper": {"en": "Cheaper products with the same specification as {anchor} ({price} net):",
                "pl": "Tańsze produkty o tej samej specyfikacji co {anchor} ({price} netto):"},
    "cheaper_none": {"en": "I found no cheaper product with the same specification as {anchor} ({price} net). If you "
                           "need a better price for it, I can pass a request to our sales team.",
                     "pl": "Nie znalazłem tańszego produktu o tej samej specyfikacji co {anchor} ({price} netto). "
                           "Jeśli potrzebują Państwo lepszej ceny, mogę przekazać prośbę do działu handlowego."},
    "opt_out_done": {"en": "Done: I recorded your company's objection to profiling. From now on I recommend without your "
                           "purchase history or behaviour (only the catalogue, this conversation and overall "
                           "popularity). You can withdraw it in your account settings.",
                     "pl": "Gotowe: zapisałem sprzeciw Państwa firmy wobec profilowania. Od teraz polecam bez historii "
                           "zakupów i zachowań (tylko katalog, ta rozmowa i ogólna popularność). Można go wycofać w "
                           "ustawieniach konta."},
    "opt_out_already": {"en": "Your company already objects to profiling: I recommend without your purchase history "
                              "or behaviour. You can withdraw the objection in your account settings.",
                        "pl": "Państwa firma już wyraziła sprzeciw wobec profilowania: polecam bez historii zakupów i "
                              "zachowań. Sprzeciw można wycofać w ustawieniach konta."},
    "opt_out_failed": {"en": "I could not record the objection just now; please use your account settings.",
                       "pl": "Nie udało mi się teraz zapisać sprzeciwu; proszę skorzystać z ustawień konta."},
    "orders_none": {"en": "I see no orders of yours in the last {months} months.",
                    "pl": "Nie widzę Państwa zamówień z ostatnich {months} miesięcy."},
    "orders": {"en": "Your orders in the last {months} months: {count} ({first} to {last}).",
               "pl": "Państwa zamówienia z ostatnich {months} miesięcy: {count} ({first} – {last})."},
    "orders_categories": {"en": "Most ordered categories: {items}.", "pl": "Najczęściej zamawiane kategorie: {items}."},
    "orders_category": {"en": "{category} ({lines} lines)", "pl": "{category} ({lines} poz.)"},
    "orders_repeats": {"en": "Bought again and again:", "pl": "Kupowane regularnie:"},
    "orders_repeat": {"en": "- {name} ({sku}): in {orders} orders", "pl": "- {name} ({sku}): w {orders} zamówieniach"},
    "explain_no_position": {"en": "My latest list has no product number {position}.",
                            "pl": "Na mojej ostatniej liście nie ma produktu nr {position}."},
    "explain": {"en": "I recommended {name} ({sku}) because: {premises}.",
                "pl": "Poleciłem {name} ({sku}), ponieważ: {premises}."},
    "line": {"en": "- {name} ({sku}), {price} net: {why}",
             "pl": "- {name} ({sku}), {price} netto: {why}"},
    "in_stock": {"en": "in stock: {stock}", "pl": "na stanie: {stock}"},
    "out_of_stock": {"en": "out of stock", "pl": "brak na stanie"},
    "greeting": {"en": "Hello! I can search the catalogue, suggest products and accessories, and pass price "
                       "requests to our sales team. What do you need?",
                 "pl": "Dzień dobry! Mogę przeszukać katalog, zaproponować produkty i akcesoria oraz przekazać "
                       "prośbę o cenę do działu handlowego. Czego Państwo potrzebują?"},
    # issue 21: honest answers of the intent handlers
    "clarify": {"en": "I am not sure what you need. Are you looking for a product, a price, or something else? A "
                      "product code or a short description helps.",
                "pl": "Nie jestem pewien, czego Państwo potrzebują. Chodzi o produkt, cenę, czy coś innego? Pomoże "
                      "kod produktu lub krótki opis."},
    "clarify_two": {"en": "Just to be sure: do you want {a} or {b}?", "pl": "Upewnię się: chodzi o {a} czy {b}?"},
    "intent_find": {"en": "to find a product", "pl": "znalezienie produktu"},
    "intent_product_info": {"en": "details of a product", "pl": "szczegóły produktu"},
    "intent_price_question": {"en": "the catalogue price", "pl": "cenę katalogową"},
    "intent_discount_request": {"en": "a special price from our sales team", "pl": "cenę specjalną od działu handlowego"},
    "intent_cheaper": {"en": "a cheaper product", "pl": "tańszy produkt"},
    "intent_alternatives": {"en": "a similar product or a substitute", "pl": "podobny produkt lub zamiennik"},
    "intent_accessories": {"en": "accessories for a product", "pl": "akcesoria do produktu"},
    "intent_stock": {"en": "the stock level", "pl": "stan magazynowy"},
    "intent_recommend": {"en": "suggestions for you", "pl": "propozycje dla Państwa"},
    "intent_popular": {"en": "what companies like yours buy", "pl": "to, co kupują podobne firmy"},
    "intent_orders": {"en": "your order history", "pl": "historię zamówień"},
    "intent_place_order": {"en": "placing an order", "pl": "złożenie zamówienia"},
    "intent_explain": {"en": "why I suggested something", "pl": "uzasadnienie propozycji"},
    "intent_project_need": {"en": "materials for a project", "pl": "materiały do inwestycji"},
    "intent_out_of_scope": {"en": "something outside the catalogue", "pl": "sprawę spoza katalogu"},
    "did_you_mean": {"en": "There is no product {code}. Did you mean {skus}?",
                     "pl": "Nie mamy produktu {code}. Czy chodziło o {skus}?"},
    "did_you_mean_qty": {"en": "(You asked for {quantity} pieces.)", "pl": "(Pytali Państwo o {quantity} szt.)"},
    "not_carried": {"en": "We do not carry “{query}”: nothing in our catalogue is that kind of product. If you tell me "
                          "what it is for, I can suggest the closest category.",
                    "pl": "Nie mamy w ofercie „{query}”: w katalogu nie ma takiego rodzaju produktu. Jeśli napiszą "
                          "Państwo, do czego ma służyć, zaproponuję najbliższą kategorię."},
    "variant": {"en": "The version you asked for (“{query}”):", "pl": "Wersja, o którą Państwo pytają („{query}”):"},
    "price_answer": {"en": "The catalogue price (net) of the product you mean:",
                     "pl": "Cena katalogowa (netto) produktu, o który Państwo pytają:"},
    "discount_which": {"en": "I can pass a request for a better price to our sales team. Which products is it about? "
                             "Please give the product codes or pick them from a list I showed.",
                       "pl": "Mogę przekazać prośbę o lepszą cenę do działu handlowego. Których produktów dotyczy? "
                             "Proszę podać kody produktów lub wskazać je z mojej listy."},
    "discount_whole_order": {"en": "A discount on a whole order is agreed with your sales representative, not in the "
                                   "chat. Which products should a better price cover? Give me their codes and I "
                                   "will pass the request to our sales team.",
                             "pl": "Rabat na całe zamówienie ustala opiekun handlowy, nie czat. Których produktów "
                                   "ma dotyczyć prośba o lepszą cenę? Proszę podać ich kody, a przekażę ją do działu "
                                   "handlowego."},
    "project_head": {"en": "For an installation like this you will usually need the following (one example of each; "
                           "the quantities depend on your plan):",
                     "pl": "Do takiej instalacji zwykle potrzeba (po jednym przykładzie; ilości zależą od "
                           "projektu):"},
    "project_questions_installation": {
        "en": "To size it: how many circuits and rooms, flush or surface mounting, and which socket series or colour?",
        "pl": "Aby to policzyć: ile obwodów i pomieszczeń, montaż podtynkowy czy natynkowy, jaka seria i kolor "
              "osprzętu?"},
    "project_questions_pv": {"en": "To size it: the array power (kWp), roof type, and one or three phases?",
                             "pl": "Aby to policzyć: jaka moc instalacji (kWp), rodzaj dachu, jedna czy trzy fazy?"},
    "project_questions_ev": {"en": "To size it: the charging power (kW), the distance from the board, and indoor or "
                                   "outdoor mounting?",
                             "pl": "Aby to policzyć: jaka moc ładowania (kW), odległość od rozdzielnicy, montaż "
                                   "wewnątrz czy na zewnątrz?"},
    "project_questions_lighting": {"en": "To size it: the floor area, ceiling height and the light level you need?",
                                   "pl": "Aby to policzyć: jaka powierzchnia, wysokość sufitu i wymagane natężenie "
                                         "światła?"},
    "spec_unmet": {"en": "None of our products matching this has {specs}; the nearest ones are:",
                   "pl": "Żaden pasujący produkt nie ma parametru {specs}; najbliższe to:"},
    "cheapest": {"en": "The lowest-priced products for “{query}” in our catalogue:",
                 "pl": "Najtańsze produkty dla zapytania „{query}” w naszym katalogu:"},
    "bom_sockets": {"en": "Sockets", "pl": "Gniazda"},
    "bom_boxes": {"en": "Flush boxes", "pl": "Puszki"},
    "bom_cable": {"en": "Cable", "pl": "Przewód"},
    "bom_mcb": {"en": "Circuit breakers (MCB)", "pl": "Wyłączniki nadprądowe"},
    "bom_rcd": {"en": "Residual current device (RCD)", "pl": "Wyłącznik różnicowoprądowy"},
    "bom_board": {"en": "Distribution board", "pl": "Rozdzielnica"},
    "bom_pv_modules": {"en": "PV modules", "pl": "Moduły PV"},
    "bom_inverter": {"en": "Inverter", "pl": "Falownik"},
    "bom_dc_cable": {"en": "Solar cable", "pl": "Przewód solarny"},
    "bom_dc_spd": {"en": "DC surge protection", "pl": "Ochrona przepięciowa DC"},
    "bom_mounting": {"en": "Mounting system", "pl": "Konstrukcja montażowa"},
    "bom_wallbox": {"en": "Wallbox", "pl": "Wallbox"},
    "bom_luminaires": {"en": "Luminaires", "pl": "Oprawy"},
    "bom_emergency": {"en": "Emergency lighting", "pl": "Oświetlenie awaryjne"},
    "fallback_products": {"en": "These products from our catalogue match your request:",
                          "pl": "Te produkty z naszego katalogu pasują do zapytania:"},
}

# Premise kinds rendered in Polish from their data; unknown kinds fall back to the premise's own text.
_PL_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^added to the same order as (.+?) in (\d+) of (\d+) orders(?: \(lift ([\d.]+)\))?$"),
     r"dodawany do tego samego zamówienia co \1 w \2 z \3 zamówień"),
    (re.compile(r"^bought by you (\d+) times, last (\d+) days ago; you usually reorder every (\d+) days, "
                r"so it is due$"),
     r"kupowany przez Państwa \1 razy, ostatnio \2 dni temu; zwykle co \3 dni, więc pora zamówić"),
    (re.compile(r"^bought by you (\d+) times, last (\d+) days ago; you usually reorder every (\d+) days$"),
     r"kupowany przez Państwa \1 razy, ostatnio \2 dni temu; zwykle co \3 dni"),
    (re.compile(r"^bought by you (\d+) times, last (\d+) days ago$"),
     r"kupowany przez Państwa \1 razy, ostatnio \2 dni temu"),
    (re.compile(r"^often bought by customers who also bought (.+?), which you ordered$"),
     r"często kupowany przez klientów, którzy kupili też \1 (zamawiany przez Państwa)"),
    (re.compile(r"^matches your purchase pattern \(driven by (.+)\)$"),
     r"pasuje do Państwa wzorca zakupów (głównie \1)"),
    (re.compile(r"^popular with (.+?) customers of your size \((.+?)\): bought by (\d+) of (\d+) of them$"),
     lambda m: f"popularny wśród firm z branży {INDUSTRIES_PL.get(m[1], m[1])} o podobnej wielkości "
               f"({SIZES_PL.get(m[2], m[2])}): kupiło go {m[3]} z {m[4]}"),
    (re.compile(r"^popular overall: bought by (\d+) customers, recent orders weigh more$"),
     r"popularny wśród wszystkich klientów: kupiło go \1 firm"),
    (re.compile(r"^new for you: similar to (.+?) you (?:bought|viewed) \(similarity (\d+)%\)$"),
     r"nowość dla Państwa: podobny do \1 (podobieństwo \2%)"),
    (re.compile(r"^similar to (.+?) you bought \(similarity (\d+)%\)$"),
     r"podobny do kupowanego przez Państwa \1 (podobieństwo \2%)"),
    (re.compile(r"^similar to (.+?) you viewed \(similarity (\d+)%\)$"),
     r"podobny do oglądanego przez Państwa \1 (podobieństwo \2%)"),
    (re.compile(r"^similar to (.+?) you are looking at \(similarity (\d+)%\)$"),
     r"podobny do oglądanego teraz \1 (podobieństwo \2%)"),
    (re.compile(r"^similar to (.+?) in description and attributes \(similarity (\d+)%\)$"),
     r"podobny do \1 opisem i parametrami (podobieństwo \2%)"),
    (re.compile(r"^bought by the same kind of customers as (.+?) \(similarity (\d+)%\)$"),
     r"kupowany przez podobnych klientów co \1 (podobieństwo \2%)"),
    (re.compile(r"^matches what you described: (.*?) \(similarity (\d+)%\)$"), r"pasuje do opisu: \1 (podobieństwo \2%)"),
    (re.compile(r"^matches what you described: (.*)$"), r"pasuje do opisu: \1"),
    (re.compile(r"^same specification as (.+?): (.+)$"),
     lambda m: f"ta sama specyfikacja co {m[1]}: " + _attribute_labels_pl(m[2])),
    (re.compile(r"^Not personalised: .*$"),
     "bez personalizacji: firma zrezygnowała z profilowania, więc liczy się tylko kontekst i popularność"),
    (re.compile(r"^catalogue entry for (.+)$"), r"pozycja katalogu: \1"),
]


# Attribute labels (retrieval's ``attribute_label`` of the catalogue's keys) in Polish, for "matches: ..." premises;
# a label not listed here is shown as the catalogue names it.
ATTRIBUTE_LABELS_PL: dict[str, str] = {
    "voltage": "napięcie", "rated current": "prąd znamionowy", "modules": "moduły", "poles": "bieguny",
    "ip rating": "stopień ochrony", "curve": "charakterystyka", "characteristic": "charakterystyka",
    "breaking capacity": "zdolność wyłączania", "standard": "norma", "power": "moc", "colour": "kolor",
    "luminous flux": "strumień świetlny", "colour temperature": "temperatura barwowa",
    "residual current": "prąd różnicowy", "rcd type": "typ RCD", "cross section": "przekrój", "length": "długość",
    "series": "seria", "cable type": "typ przewodu", "cores": "żyły", "device": "urządzenie",
    "material": "materiał", "conductor": "żyła", "voltage rating": "napięcie znamionowe",
    "outer diameter": "średnica zewnętrzna", "rows": "rzędy", "mounting": "montaż", "door": "drzwi",
    "coil voltage": "napięcie cewki", "spd type": "typ SPD", "configuration": "konfiguracja",
    "no contacts": "styki NO", "nc contacts": "styki NC", "cap": "trzonek", "shape": "kształt",
    "gangs": "krotność", "fuse size": "wielkość wkładki", "width": "szerokość", "pack size": "opakowanie",
    "phases": "fazy", "diameter": "średnica", "conduit type": "typ rury", "depth": "głębokość",
    "height": "wysokość", "thread": "gwint", "finish": "wykończenie", "output voltage": "napięcie wyjściowe",
    "output current": "prąd wyjściowy", "connection": "podłączenie", "current type": "rodzaj prądu",
}
# The demo's industries and size bands (ranking premises write them with spaces) as a Polish sentence needs them;
# others are shown as stored.
INDUSTRIES_PL: dict[str, str] = {
    "electrical installer": "instalacji elektrycznych", "construction": "budowlanej",
    "facility management": "zarządzania nieruchomościami", "manufacturing": "produkcyjnej",
    "energy pv": "fotowoltaicznej", "retail": "handlowej",
}
SIZES_PL: dict[str, str] = {"micro": "mikro", "small": "mała", "medium": "średnia", "large": "duża"}
_PL_LABEL = re.compile(r"(^|, )(" + "|".join(sorted(map(re.escape, ATTRIBUTE_LABELS_PL), key=len, reverse=True))
                       + r") (?=\S)")


def _attribute_labels_pl(listed: str) -> str:
    """Translate the attribute labels at the start of each listed item ("poles 3, rated current 16 A")."""
    return _PL_LABEL.sub(lambda m: m.group(1) + ATTRIBUTE_LABELS_PL[m.group(2)] + " ", listed)


def t(key: str, lang: Lang, **kw: object) -> str:
    """Return the template ``key`` in ``lang`` filled with ``kw``."""
    return T[key][lang].format(**kw)


def order_history_text(summary: OrderHistorySummary | None, months: int, lang: Lang) -> str:
    """Return the order-history summary in words: counts and months, top categories, repeatedly bought products
    (no prices: the summary has none, and the catalogue's may have changed since)."""
    if summary is None or not summary.order_count:
        return t("orders_none", lang, months=months)
    lines = [t("orders", lang, months=months, count=summary.order_count, first=summary.first_order_month,
               last=summary.last_order_month)]
    if summary.top_categories:
        items = ", ".join(t("orders_category", lang, category=c.category, lines=c.lines)
                          for c in summary.top_categories[:3])
        lines.append(t("orders_categories", lang, items=items))
    if summary.frequent_products:
        lines.append(t("orders_repeats", lang))
        lines += [t("orders_repeat", lang, name=p.name, sku=p.sku, orders=p.orders)
                  for p in summary.frequent_products[:5]]
    return "\n".join(lines)


def search_premise_text(data: dict[str, Any], lang: Lang) -> str | None:
    """Return a search premise (``PremiseOut.data`` of kind ``search``: retrieval's ``SearchPremise``) in a
    buyer's words from the message catalogue: the code given, the specifications and words matched, or "close to
    what you asked for"; never a score. None without a known reason."""
    import messages

    reason = data.get("reason")
    if reason == "exact":
        return messages.premise_text("search_code", {"value": data.get("code") or data.get("identifier")}, lang)
    if reason == "matches":
        parts = []
        attributes = [(str(a.get("label") or a.get("key")), str(a.get("value") or "")) for a in data.get("attributes")
                      or []]
        if attributes:
            parts.append(messages.premise_text("search_matches", {"attributes": attributes}, lang))
        if data.get("terms"):
            parts.append(messages.premise_text("search_words", {"words": list(data["terms"])}, lang))
        return "; ".join(p for p in parts if p) or None
    if reason == "similarity":
        return messages.premise_text("search_meaning", {}, lang)
    return None


def premise_text(premise: PremiseOut, lang: Lang) -> str:
    """Return one premise as a sentence in ``lang``: search premises from their data; the others' English is
    translated by pattern for Polish."""
    if premise.kind == "search":
        worded = search_premise_text(premise.data, lang)
        if worded is not None:
            return worded
    text = premise.text.strip().rstrip(".")
    if lang == "pl":
        for rx, repl in _PL_RULES:
            if rx.search(text):
                return rx.sub(repl, text)
    return text


def justification(card: ProductCard, lang: Lang, limit: int = 2) -> str:
    """Return a customer-readable justification built only from the card's premises."""
    texts = [premise_text(p, lang) for p in card.premises[:limit] if p.text.strip()]
    if not texts:
        return "pasuje do zapytania" if lang == "pl" else "matches your request"
    return "; ".join(texts)


def price_text(amount: Any, currency: str, lang: Lang) -> str:
    """Return a price as the customer's locale writes it: ``24,90 zł`` in Polish (Babel, through the message
    catalogue), ``24.90 PLN`` in English (the ISO code, as B2B invoices write it)."""
    import messages

    if lang == "pl":
        return messages.money(amount, currency, "pl").replace("\u00a0", " ")
    return f"{Decimal(str(amount)):.2f} {currency}"


def product_lines(cards: Sequence[ProductCard], lang: Lang, *, stock: bool = False) -> list[str]:
    """Return one line per product: name, SKU, catalogue price and justification (``stock``: the stock level
    first, for "is it available?")."""
    lines = []
    for c in cards:
        why = justification(c, lang)
        if stock:
            why = (t("in_stock", lang, stock=c.stock) if c.stock > 0 else t("out_of_stock", lang)) + "; " + why
        lines.append(t("line", lang, name=c.name, sku=c.sku, price=price_text(c.price, c.currency, lang), why=why))
    return lines


STATUS_WORDS: dict[str, dict[str, str]] = {
    "pl": {"pending": "oczekuje", "approved": "zatwierdzone", "rejected": "odrzucone", "expired": "wygasło"},
}
"""A request's status in the customer's language (English replies use the status itself)."""


def approval_text(ticket: ApprovalTicket, lang: Lang) -> str:
    """Return the sentence telling the customer where the request stands: filed (no price), already pending,
    or approved (with the approved prices, the only prices besides the catalogue's the agent may state)."""
    skus = ", ".join(ticket.skus)
    if ticket.status == "approved":
        until = f"{ticket.valid_until:%Y-%m-%d %H:%M} UTC" if ticket.valid_until else "-"
        if not ticket.unit_prices:  # e.g. a volume quote: the sales team sends the offer itself
            return t("approval_approved_no_price", lang, id=ticket.approval_id, skus=skus, until=until)
        items = ", ".join(t("approved_item", lang, sku=sku, price=price_text(price, ticket.currency, lang))
                          for sku, price in ticket.unit_prices.items())
        return t("approval_approved", lang, id=ticket.approval_id, items=items, until=until)
    if ticket.existing:
        return t("approval_pending", lang, id=ticket.approval_id, skus=skus)
    status = STATUS_WORDS.get(lang, {}).get(ticket.status, ticket.status)
    return t("approval", lang, id=ticket.approval_id, status=status, skus=skus)


def onboarding_noted_text(answer: OnboardingAnswer, lang: Lang) -> str:
    """Return what an onboarding answer recorded, in words: "an energy pv company" / "firma z branży
    fotowoltaicznej", "size: small" / "wielkość: mała", or the interests as given."""
    if answer.topic == "industry":
        words = answer.recorded.replace("_", " ")
        return f"firma z branży {INDUSTRIES_PL.get(words, words)}" if lang == "pl" else f"industry: {words}"
    if answer.topic == "size":
        return (f"wielkość firmy: {SIZES_PL.get(answer.recorded, answer.recorded)}" if lang == "pl"
                else f"company size: {answer.recorded}")
    return f"Państwa zainteresowania: {answer.recorded}" if lang == "pl" else f"your interests: {answer.recorded}"


def question_text(question: OnboardingQuestion) -> str:
    """Return an onboarding question with its options."""
    if not question.options:
        return question.question
    return f"{question.question} ({', '.join(question.options)})"
