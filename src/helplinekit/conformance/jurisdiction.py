"""What ``helplinekit.testing.check_jurisdiction`` checks in a jurisdiction (law) plugin.

Each problem is one sentence naming the plugin's item (a provision's key, an authority's,
a complaint template's language), the bad value and the fix. The checks read what the
plugin really holds, not what the contract's annotations promise, so a stray value is a
problem to report rather than a crash.

One draft marker is allowed: a mapping to ``NoSpecificProvision(note="TODO: …")``, which is
how ``helplinekit new-plugin --kind law`` starts every taxonomy code. The code is still
explicitly marked, so the plugin passes, and its own tests find the markers left. A ``TODO``
anywhere else (a title, a summary, steps, a letter, the disclaimer) is a problem.
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import urlsplit

from helplinekit.contracts.jurisdiction import (
    Confidence,
    EmergencyNumber,
    Fact,
    Jurisdiction,
    NoSpecificProvision,
)
from helplinekit.domain import CaseAttributes, Gender

__all__ = ["COMPLAINT_PLACEHOLDERS", "check_jurisdiction"]

#: The placeholders helplinekit fills in a complaint template (``services/legal.py``); any
#: other would be left in the letter as written, e.g. ``{victim_name}``.
COMPLAINT_PLACEHOLDERS = (
    "reference",
    "date",
    "categories",
    "provisions",
    "authority",
    "remedies",
)

_TODO = re.compile(r"\b(TODO|FIXME)\b")
_EMERGENCY_NUMBER = re.compile(r"^\+?[0-9]+$")
# RFC 2606 and RFC 6761: names that reach no public site. example.org is left out on
# purpose: plugins written against 0.1 (the Pakistan plugin's own tests among them) use it
# as a stand-in source in their tests, and a check that fails them breaks those plugins.
_EXAMPLE_DOMAINS = ("example.com", "example.net")
_RESERVED_ENDINGS = ("example", "invalid", "local", "localhost", "test")


def check_jurisdiction(
    jurisdiction: Jurisdiction, taxonomy_codes: Iterable[str], *, today: date | None = None
) -> list[str]:
    """Problems with a jurisdiction: coverage of the taxonomy, sources, dates, flags, the
    country and its regions, what routes and time limits apply to, complaint templates and
    leftover ``TODO`` markers. Empty when it conforms."""
    codes = list(taxonomy_codes)
    problems = []
    coverage = jurisdiction.coverage(codes)
    if not coverage.complete:
        problems.append(coverage.describe())
    if not jurisdiction.disclaimer.strip():
        problems.append("has no disclaimer; every jurisdiction must say it is not legal advice.")
    problems += _country_problems(jurisdiction)
    problems += _fact_problems(jurisdiction, today or date.today())
    problems += _provision_problems(jurisdiction)
    problems += _portal_problems(jurisdiction)
    problems += _applies_to_problems(jurisdiction, codes)
    problems += _complaint_template_problems(jurisdiction)
    problems += _region_problems(jurisdiction)
    problems += _todo_problems(jurisdiction)
    # The same check the helpline runs at start-up: every condition names known case facts.
    from helplinekit.contracts.conditions import check_conditions

    problems += check_conditions(jurisdiction)
    problems += _flag_behaviour_problems(jurisdiction)
    return problems


# -- the country and its regions ----------------------------------------------------------


def _country_problems(jurisdiction: Jurisdiction) -> list[str]:
    """A country must exist, and the key's last part must be its code in lower case."""
    import pycountry

    country = jurisdiction.country
    if country is None:
        return []
    if pycountry.countries.get(alpha_2=country) is None:
        return [
            f"country {country!r} is not an ISO 3166-1 alpha-2 country code; "
            "use the country's two capital letters, e.g. 'PK' for Pakistan."
        ]
    namespace, _, last = jurisdiction.key.rpartition(".")
    if last == country.lower():
        return []
    fix = f"rename the key {namespace}.{country.lower()}"
    if pycountry.countries.get(alpha_2=last.upper()) is not None:
        fix += f", or set country to {last.upper()!r} if the law is that country's"
    return [
        f"key {jurisdiction.key!r} does not end in its country's code: country is "
        f"{country!r}, so the key's last part must be {country.lower()!r}; {fix}."
    ]


def _region_problems(jurisdiction: Jurisdiction) -> list[str]:
    """Each region's code, and each code an authority or removal route serves, is an ISO
    3166-2 subdivision of the jurisdiction's country."""
    import pycountry

    country = jurisdiction.country
    if country is None or pycountry.countries.get(alpha_2=country) is None:
        return []
    # pycountry's Subdivisions.get has no annotations (its countries' get has).
    found = pycountry.subdivisions.get(country_code=country)  # type: ignore[no-untyped-call]
    subdivisions = {s.code: s.name for s in found or ()}
    problems = []
    for region in jurisdiction.regions:
        if region.code not in subdivisions:
            fix = _region_fix(region.code, region.name, country, subdivisions)
            problems.append(
                f"region {region.code!r} ({region.name}) is not an ISO 3166-2 code of "
                f"{country}; {fix}."
            )
    served = [(f"authority {a.key}", a.regions) for a in jurisdiction.authorities]
    served += [(f"removal route {r.key}", r.regions) for r in jurisdiction.removal_routes]
    for label, codes in served:
        for code in sorted(set(codes) - subdivisions.keys()):
            fix = _region_fix(code, code, country, subdivisions)
            problems.append(
                f"{label} serves the region {code!r}, which is not an ISO 3166-2 code of "
                f"{country}; {fix}, or leave regions empty for the whole country."
            )
    return problems


def _region_fix(code: str, name: str, country: str, subdivisions: dict[str, str]) -> str:
    """How to write ``code`` (or the region called ``name``) as an ISO 3166-2 code."""
    named = [known for known, known_name in subdivisions.items() if known_name == name]
    prefixed = f"{country}-{code}"
    if named or prefixed in subdivisions:
        return f"use {(named or [prefixed])[0]!r}"
    if subdivisions:
        examples = ", ".join(sorted(subdivisions)[:3])
        return f"use one of ISO 3166-2:{country}'s codes, e.g. {examples}"
    return f"ISO 3166-2 lists no subdivisions of {country}, so leave regions empty"


# -- facts and their sources --------------------------------------------------------------


def _url_problem(url: str) -> str | None:
    """Why nobody else could open ``url``, or None when it looks like a public address."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return "is not a web address"
    if _TODO.search(url):
        return "is a TODO placeholder"
    if "." not in host:
        return f"names the host {host!r}, which has no dot, so nobody else can open it"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if not address.is_global:
            return f"names {host}, a private or local address nobody else can open"
        return None
    ending = host.rsplit(".", 1)[1]
    if host in _EXAMPLE_DOMAINS or host.endswith(tuple(f".{d}" for d in _EXAMPLE_DOMAINS)):
        return f"names {host}, a domain reserved for examples"
    if ending in _RESERVED_ENDINGS:
        return f"names {host}, whose .{ending} ending reaches no public site"
    return None


def _facts(jurisdiction: Jurisdiction, problems: list[str]) -> Iterator[tuple[str, object]]:
    """Every fact with its owner's label; the emergency numbers' shape is checked on the way."""
    yield from ((f"provision {p.key}", p.fact) for p in jurisdiction.provisions)
    yield from ((f"authority {a.key}", a.fact) for a in jurisdiction.authorities)
    yield from ((f"removal route {r.key}", r.fact) for r in jurisdiction.removal_routes)
    yield from ((f"time limit {t.description[:40]!r}", t.fact) for t in jurisdiction.time_limits)
    yield from _emergency_number_facts(jurisdiction, problems)


def _fact_problems(jurisdiction: Jurisdiction, today: date) -> list[str]:
    found: list[str] = []
    for label, fact in _facts(jurisdiction, found):
        if not isinstance(fact, Fact):
            found.append(f"{label} has no fact: give it Fact(source_url=…, confidence=…).")
            continue
        if not fact.source_url.startswith(("https://", "http://")):
            found.append(f"{label} has no source URL.")
        elif reason := _url_problem(fact.source_url):
            found.append(
                f"{label}'s source URL {fact.source_url!r} {reason}; give the address where "
                "anyone can read the text."
            )
        if fact.reviewed_on is not None and fact.reviewed_on > today:
            found.append(f"{label} says it was reviewed on {fact.reviewed_on}, in the future.")
        if fact.reviewed_on is not None and not fact.source_note.strip():
            found.append(f"{label} has reviewed_on set but no source_note saying what was checked.")
        if fact.confidence is Confidence.uncertain and fact.reviewed_on is not None:
            found.append(
                f"{label} is marked uncertain [U] but has reviewed_on; "
                "a checked fact is [C] or [S]."
            )
    return found


def _emergency_number_facts(
    jurisdiction: Jurisdiction, problems: list[str]
) -> Iterator[tuple[str, object]]:
    """Check the emergency numbers' shape; yield their facts for the common fact checks."""
    seen: set[str] = set()
    entries: Iterable[object] = jurisdiction.emergency_numbers
    for entry in entries:
        if not isinstance(entry, EmergencyNumber):
            problems.append(
                f"emergency_numbers holds a {type(entry).__name__}; expected EmergencyNumber."
            )
            continue
        number = entry.number if isinstance(entry.number, str) else ""
        label = f"emergency number {number or entry.number!r}"
        if not _EMERGENCY_NUMBER.match(number):
            problems.append(
                f"{label} is not a number to dial: digits only, with at most a leading '+' "
                "(no spaces, dashes or words)."
            )
        if number in seen:
            problems.append(f"{label} is listed twice.")
        seen.add(number)
        if not isinstance(entry.service, str) or not entry.service.strip():
            problems.append(f"{label} does not say which service answers it.")
        fact: object = entry.fact
        if not isinstance(fact, Fact):
            problems.append(f"{label} has no fact: every emergency number needs a source.")
            continue
        yield label, fact


def _portal_problems(jurisdiction: Jurisdiction) -> list[str]:
    """An authority's portal, when it has one, is a public address too."""
    problems = []
    for authority in jurisdiction.authorities:
        url = authority.url
        if url is None:
            continue
        reason = (
            "is not an http:// or https:// address"
            if not url.startswith(("https://", "http://"))
            else _url_problem(url)
        )
        if reason:
            problems.append(
                f"authority {authority.key}'s portal URL {url!r} {reason}; give the portal's "
                "public address, or url=None if it has none."
            )
    return problems


def _provision_problems(jurisdiction: Jurisdiction) -> list[str]:
    problems = []
    seen: set[str] = set()
    for provision in jurisdiction.provisions:
        if provision.key in seen:
            problems.append(f"provision {provision.key} is defined twice.")
        seen.add(provision.key)
        if not provision.act_version.strip():
            problems.append(
                f"provision {provision.key} does not say which text of the Act it cites."
            )
        rule = provision.prosecution
        if rule is not None and not str(rule.complainant).strip():
            problems.append(
                f"provision {provision.key} has a prosecution rule that does not say who must "
                'complain; write it in plain words, e.g. "the victim or her guardian".'
            )
        if provision.flags and not provision.flag_note.strip():
            flags = ", ".join(sorted(provision.flags))
            problems.append(
                f"provision {provision.key} is flagged {flags} without a flag_note saying why."
            )
        if (
            provision.in_force_from
            and provision.in_force_until
            and provision.in_force_until < provision.in_force_from
        ):
            problems.append(f"provision {provision.key} stops applying before it starts.")
    return problems


# -- what routes and drafts point at ------------------------------------------------------


def _applies_to_problems(jurisdiction: Jurisdiction, codes: list[str]) -> list[str]:
    """Removal routes and time limits apply only to taxonomy codes that exist."""
    known = set(codes)
    listed = ", ".join(sorted(known))
    owners = [(f"removal route {r.key}", r.applies_to) for r in jurisdiction.removal_routes]
    owners += [
        (f"time limit {t.description[:40]!r}", t.applies_to) for t in jurisdiction.time_limits
    ]
    problems = []
    for label, applies_to in owners:
        unknown = sorted(set(applies_to) - known)
        if unknown:
            problems.append(
                f"{label} applies to {', '.join(unknown)}, not in the taxonomy; use its "
                f"codes ({listed}), or leave applies_to empty to apply to every case."
            )
    return problems


def _complaint_template_problems(jurisdiction: Jurisdiction) -> list[str]:
    """Each template is addressed to a defined authority and uses only the core's
    placeholders, so the letter a lawyer receives has nothing left in braces."""
    authorities = [a.key for a in jurisdiction.authorities]
    allowed = ", ".join(f"{{{name}}}" for name in COMPLAINT_PLACEHOLDERS)
    problems = []
    for template in jurisdiction.complaint_templates:
        label = f"complaint template {template.language!r}"
        if template.authority not in authorities:
            known = ", ".join(authorities) if authorities else "it defines none"
            problems.append(
                f"{label} is addressed to authority {template.authority!r}, which the "
                f"jurisdiction does not define ({known}); use one of its authorities' keys, "
                "or add that authority."
            )
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(template.text) if f is not None]
        except ValueError as error:
            problems.append(
                f"{label} cannot be filled in: {error}; write a literal brace as {{{{ or }}}}."
            )
            continue
        unknown = [name for name in dict.fromkeys(fields) if name not in COMPLAINT_PLACEHOLDERS]
        problems += [
            f"{label} has the placeholder {{{name}}}, which helplinekit does not fill, so it "
            f"would stay in the letter; use only {allowed}, and write a literal brace as "
            "{{ or }}."
            for name in unknown
        ]
        if not unknown:
            try:
                template.text.format_map({name: "x" for name in COMPLAINT_PLACEHOLDERS})
            except (ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
                problems.append(f"{label} cannot be filled in: {error}.")
    return problems


# -- leftover TODO markers ----------------------------------------------------------------


def _texts(jurisdiction: Jurisdiction) -> Iterator[tuple[str, str, object]]:
    """(item, field, text) for every text a person reads; URLs are checked on their own."""
    j = jurisdiction
    yield "the jurisdiction", "name", j.name
    yield "the jurisdiction", "disclaimer", j.disclaimer
    for index, step in enumerate(j.evidence_guidance):
        yield "the jurisdiction", f"evidence_guidance[{index}]", step
    for p in j.provisions:
        for name in ("act", "act_version", "section", "title", "summary", "penalty"):
            yield f"provision {p.key}", name, getattr(p, name)
        yield f"provision {p.key}", "flag_note", p.flag_note
        rule = p.prosecution
        if rule is not None:
            yield f"provision {p.key}", "prosecution rule's complainant", rule.complainant
            yield f"provision {p.key}", "prosecution rule's note", rule.note
        yield f"provision {p.key}", "fact's source_note", getattr(p.fact, "source_note", "")
    for code, entry in j.mappings.items():
        # NoSpecificProvision(note="TODO: …") is the law template's draft marker: allowed.
        for ref in () if isinstance(entry, NoSpecificProvision) else entry:
            yield f"mapping {code}", f"note on {ref.provision}", ref.note
    for a in j.authorities:
        for name in ("name", "how_to_report", "phone"):
            yield f"authority {a.key}", name, getattr(a, name) or ""
        yield f"authority {a.key}", "fact's source_note", getattr(a.fact, "source_note", "")
    for r in j.removal_routes:
        yield f"removal route {r.key}", "title", r.title
        yield f"removal route {r.key}", "steps", r.steps
        yield f"removal route {r.key}", "fact's source_note", getattr(r.fact, "source_note", "")
    for t in j.time_limits:
        yield f"time limit {t.description[:40]!r}", "description", t.description
        yield (
            f"time limit {t.description[:40]!r}",
            "fact's source_note",
            getattr(t.fact, "source_note", ""),
        )
    for template in j.complaint_templates:
        yield f"complaint template {template.language!r}", "text", template.text
    for e in j.emergency_numbers:
        if isinstance(e, EmergencyNumber):
            yield f"emergency number {e.number!r}", "service", e.service
            note = getattr(e.fact, "source_note", "")
            yield f"emergency number {e.number!r}", "fact's source_note", note
    for region in j.regions:
        yield f"region {region.code!r}", "name", region.name


def _todo_problems(jurisdiction: Jurisdiction) -> list[str]:
    problems = []
    for item, name, text in _texts(jurisdiction):
        if not isinstance(text, str) or (found := _TODO.search(text)) is None:
            continue
        start = max(found.start() - 20, 0)
        excerpt = ("…" if start else "") + text[start : found.end() + 40]
        excerpt += "…" if found.end() + 40 < len(text) else ""
        problems.append(
            f"{item} has a leftover {found.group()} in its {name}: {excerpt!r}; write the "
            "real text, or leave the item out until it is ready."
        )
    return problems


#: For each limiting flag, facts that rule the provision out, and what the kit says then.
_RULED_OUT: dict[str, tuple[CaseAttributes, str]] = {
    "minor_victim_only": (CaseAttributes(victim_age=30), "an adult victim"),
    "victim_must_be_woman": (
        CaseAttributes(victim_gender=Gender.MAN),
        "a victim recorded as a man",
    ),
    "offender_must_be_man": (
        CaseAttributes(offender_gender=Gender.WOMAN),
        "an offender recorded as a woman",
    ),
}


def _flag_behaviour_problems(jurisdiction: Jurisdiction) -> list[str]:
    """Run the legal options on cases whose facts each limiting flag rules out: a flagged
    provision must never be offered to them (an adult victim told a child-abuse provision
    applies would be misled)."""
    from helplinekit.domain import Caller, Case
    from helplinekit.services.legal_evaluation import evaluate

    problems = []
    for provision in jurisdiction.provisions:
        codes = tuple(
            code
            for code, entry in jurisdiction.mappings.items()
            if isinstance(entry, tuple | list) and any(r.provision == provision.key for r in entry)
        )
        for flag in sorted(str(flag) for flag in provision.flags if str(flag) in _RULED_OUT):
            facts, who = _RULED_OUT[flag]
            case = Case(
                reference="HL-2026-000001",
                caller_id=Caller().id,
                categories=codes,
                attributes=facts,
            )
            offered = {p.provision.key for p in evaluate(case, jurisdiction)[0]}
            if provision.key in offered:
                problems.append(
                    f"provision {provision.key} is flagged {flag} but is offered to {who}; "
                    "check the mapping's conditions."
                )
    return problems
