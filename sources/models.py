from django.db import models
from django.utils.translation import gettext_lazy as _


def http_url_constraint(field: str, name: str, *, optional: bool = True) -> models.CheckConstraint:
    """Published links must be http(s); form validation alone can be bypassed."""
    condition = models.Q(**{f"{field}__startswith": "http://"}) | models.Q(
        **{f"{field}__startswith": "https://"}
    )
    if optional:
        condition |= models.Q(**{field: ""})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_("%(field)s must be an http or https URL.")
        % {"field": field.replace("_", " ").capitalize()},
    )


class Source(models.Model):
    """A document a fact comes from: a member page, an announcement, a signed text."""

    url = models.URLField(
        max_length=1000,
        unique=True,
        help_text=_("Address of the document, e.g. the network's own member page."),
    )
    title = models.CharField(
        max_length=300, blank=True, help_text=_("Title of the document as published.")
    )
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Who published the document, e.g. 'Bank for International Settlements'."),
    )
    accessed_on = models.DateField(
        help_text=_("When the document was read: the facts citing it are true as of this date.")
    )
    published_on = models.DateField(
        null=True, blank=True, help_text=_("Publication date of the document, if it states one.")
    )
    created_at = models.DateTimeField(
        auto_now_add=True, help_text=_("When this record was created.")
    )
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When this record last changed."))

    class Meta:
        ordering = ["url"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [http_url_constraint("url", "source_url_http", optional=False)]

    def __str__(self) -> str:
        return self.title or self.url


class TimestampedModel(models.Model):
    """Creation and last-change times; `updated_at` feeds "last updated" and ETags."""

    created_at = models.DateTimeField(
        auto_now_add=True, help_text=_("When this record was created.")
    )
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When this record last changed."))

    class Meta:
        abstract = True


class SourcedModel(TimestampedModel):
    """A curated record: it cites the sources its facts come from."""

    sources = models.ManyToManyField(
        Source,
        related_name="%(app_label)s_%(class)s_set",
        help_text=_("Documents that support this record (at least one)."),
    )

    class Meta:
        abstract = True
