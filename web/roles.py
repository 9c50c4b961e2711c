"""Role-aware counts: "36 members, 8 observers, 1 secretariat" rather than "45 members"
when some of those on a list only observe or serve it (#18)."""

from collections import Counter
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext, ngettext

from networks.models import Role


def role_phrase(role: str, count: int) -> str:
    phrases = {
        Role.MEMBER: ngettext("%(count)s member", "%(count)s members", count),
        Role.ASSOCIATE: ngettext(
            "%(count)s associate member", "%(count)s associate members", count
        ),
        Role.AFFILIATE: ngettext(
            "%(count)s affiliate member", "%(count)s affiliate members", count
        ),
        Role.OBSERVER: ngettext("%(count)s observer", "%(count)s observers", count),
        Role.CHAIR: ngettext("%(count)s chair", "%(count)s chairs", count),
        Role.VICE_CHAIR: ngettext("%(count)s vice-chair", "%(count)s vice-chairs", count),
        Role.SECRETARIAT: ngettext("%(count)s secretariat", "%(count)s secretariats", count),
    }
    return phrases[role] % {"count": count}


def held_phrase(role: str, count: int) -> str:
    """The same, seen from the member's side: "observer in 2" (networks)."""
    phrases = {
        Role.MEMBER: gettext("member of %(count)s"),
        Role.ASSOCIATE: gettext("associate member of %(count)s"),
        Role.AFFILIATE: gettext("affiliate member of %(count)s"),
        Role.OBSERVER: gettext("observer in %(count)s"),
        Role.CHAIR: gettext("chair of %(count)s"),
        Role.VICE_CHAIR: gettext("vice-chair of %(count)s"),
        Role.SECRETARIAT: gettext("secretariat of %(count)s"),
    }
    return phrases[role] % {"count": count}


def roles_text(roles: Iterable[str] | Mapping[str, int], *, held: bool = False) -> str:
    """The counts by role, in the order of `Role` ("36 members, 8 observers"; with
    `held`, "member of 9, observer in 2"); empty when every one is a plain member (then
    the total says it all)."""
    counts = roles if isinstance(roles, Mapping) else Counter(roles)
    if not any(count for role, count in counts.items() if role != Role.MEMBER):
        return ""
    phrase = held_phrase if held else role_phrase
    return ", ".join(phrase(role, counts[role]) for role in Role.values if counts.get(role))
