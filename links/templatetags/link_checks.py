"""`{% link_check url %}`: the link checker's mark beside a published link."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/link_check.html", takes_context=True)
def link_check(context, url: str, checks: dict | None = None) -> dict:
    """The mark for `url`: "unreachable since DATE" where the link is broken, else nothing
    (#18: a mark on every link was clutter; the admin keeps every check for curators).

    `checks` is the url -> Link map from `Link.objects.for_urls(...)`, built once per
    page by the view; by default the tag reads the context variable `link_checks`. A page
    whose view built no map shows no marks, so shared partials may use the tag freely.
    Only the mark is rendered: the link itself is the page's, shown whatever the mark says.
    """
    if checks is None:
        checks = context.get("link_checks")
    if checks is None or not url:
        return {"show": False}
    return {"show": True, "url": url, "link": checks.get(url)}
