"""Generate a labelled, deterministic synthetic directory for benchmarks (see bench/README.md).

At `--scale 1`: 20,000 institutions in 250 jurisdictions, 2,000 networks, 200,000
memberships (a few networks of 1,000+ members, most of 10-100), 20,000 memoranda with
2-150 signatories and 50,000 meetings. Every row is labelled: names start with
"Synthetic" and every record cites the one source https://example.invalid/synthetic.
The command refuses to touch a database that holds any non-synthetic curated record.
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction

from institutions.models import Branch, Institution, Jurisdiction, Level
from networks.models import (
    Dimension,
    EndReason,
    Meeting,
    MeetingKind,
    Membership,
    Memorandum,
    MemorandumKind,
    Network,
    Origin,
    Reach,
    Sector,
    Signatory,
)
from sources.models import Source

SYNTHETIC_URL = "https://example.invalid/synthetic"
PREFIX = "Synthetic"
BATCH = 5000

# The numbers at scale 1.
BASE = {
    "jurisdictions": 250,
    "institutions": 20_000,
    "networks": 2_000,
    "memberships": 200_000,
    "memoranda": 20_000,
    "meetings": 50_000,
}
# Largest networks at scale 1 (members over their whole history); scaled with the rest.
LARGEST = [4000, 3000, 2500, 2000, 1800, 1500, 1300, 1200, 1100, 1000]
# A network of exactly this size exists at every scale (the benchmark's "small network").
SMALL_NETWORK_SIZE = 30
WORDS = [
    "Banking", "Securities", "Insurance", "Competition", "Data", "Energy", "Customs",
    "Tax", "Health", "Transport", "Aviation", "Maritime", "Telecoms", "Pensions",
    "Audit", "Statistics", "Markets", "Payments", "Police", "Courts",
]  # fmt: skip

# The curated models whose rows must all be synthetic before anything is written.
CURATED = [Jurisdiction, Institution, Network, Memorandum, Meeting]


def non_synthetic_rows() -> dict[str, int]:
    """How many curated rows of each model are not labelled synthetic."""
    found = {}
    for model in CURATED:
        field = "title" if model in (Memorandum, Meeting) else "name"
        count = model.objects.exclude(**{f"{field}__startswith": PREFIX}).count()
        if count:
            found[model._meta.verbose_name_plural] = count
    sources = Source.objects.exclude(url=SYNTHETIC_URL).count()
    if sources:
        found["sources"] = sources
    return found


def marker_title(scale: float, seed: int) -> str:
    return f"{PREFIX} directory (scale {scale:g}, seed {seed})"


def network_sizes(rng: random.Random, count: int, total: int, scale: float) -> list[int]:
    """Members per network: a few very large, a middle band, and most of 10-100."""
    large = [max(SMALL_NETWORK_SIZE + 1, round(size * scale)) for size in LARGEST]
    large = large[: max(1, min(len(large), count // 20))]
    rest = count - len(large) - 1
    middle = round(rest * 0.1)
    small = [rng.randint(10, 100) for _ in range(rest - middle)]
    remaining = max(0, total - sum(large) - sum(small) - SMALL_NETWORK_SIZE)
    # The middle band takes what is left, each between 100 and the smallest large one.
    weights = [rng.random() + 0.2 for _ in range(middle)]
    scale_by = remaining / sum(weights) if weights else 0
    cap = min(large) - 1
    mid = [max(10, min(cap, round(w * scale_by))) for w in weights]
    return [*large, SMALL_NETWORK_SIZE, *mid, *small]


def day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


class Command(BaseCommand):
    help = "Load a labelled, deterministic synthetic directory (for benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 20,000 institutions.")
        parser.add_argument(
            "--seed", type=int, default=9, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Do nothing when the database already holds this scale and seed.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check, then write nothing.")

    def handle(self, *args, scale: float, seed: int, reuse: bool, dry_run: bool, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        found = non_synthetic_rows()
        if found:
            listed = ", ".join(f"{n} {name}" for name, n in found.items())
            raise CommandError(
                f"Refusing to run: this database holds curated data ({listed}). "
                "Use an empty database of its own for synthetic data."
            )
        marker = Source.objects.filter(url=SYNTHETIC_URL).first()
        if reuse and marker is not None and marker.title == marker_title(scale, seed):
            self.stdout.write(f"Reusing the synthetic directory already loaded: {marker.title}.")
            return
        if dry_run:
            self.stdout.write(f"Dry run: would load {marker_title(scale, seed)}.")
            return
        started = time.monotonic()
        with transaction.atomic():
            self.flush()
            counts = self.generate(scale, seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(
            f"Loaded {marker_title(scale, seed)}: {summary} in {time.monotonic() - started:.1f}s."
        )

    def flush(self) -> None:
        """Remove the previous synthetic directory (the database holds nothing else)."""
        tables = set()
        for model in [Source, *CURATED, Membership, Signatory]:
            tables.add(model._meta.db_table)
            for field in model._meta.local_many_to_many:
                tables.add(field.remote_field.through._meta.db_table)
        for model in [Meeting]:
            for rel in model._meta.related_objects:
                tables.add(rel.related_model._meta.db_table)
        tables = sorted(t for t in tables if t in connection.introspection.table_names())
        statements = connection.ops.sql_flush(
            no_style(), tables, reset_sequences=True, allow_cascade=True
        )
        if connection.vendor == "postgresql":
            # PostgreSQL refuses TRUNCATE while deferred foreign-key checks from earlier
            # writes in the same transaction are pending (a test that loads twice): run
            # them now, and defer again for the bulk inserts that follow.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            connection.ops.execute_sql_flush(statements)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            connection.ops.execute_sql_flush(statements)

    def generate(self, scale: float, seed: int) -> dict[str, int]:
        rng = random.Random(seed)
        n = {key: max(1, round(value * scale)) for key, value in BASE.items()}
        n["jurisdictions"] = min(n["jurisdictions"], 26 * 26)
        counts: dict[str, int] = {}
        source = Source.objects.create(
            url=SYNTHETIC_URL,
            title=marker_title(scale, seed),
            publisher=f"{PREFIX} data generator",
            accessed_on=datetime.date(2025, 1, 1),
        )

        def insert(model, objects) -> list:
            model.objects.bulk_create(objects, batch_size=BATCH)
            counts[model._meta.verbose_name_plural] = len(objects)
            for field in model._meta.local_many_to_many:
                if field.name == "sources":
                    through = field.remote_field.through
                    fk = field.m2m_field_name()
                    through.objects.bulk_create(
                        [
                            through(**{f"{fk}_id": obj.pk, "source_id": source.pk})
                            for obj in objects
                        ],
                        batch_size=BATCH,
                    )
            return objects

        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        jurisdictions = insert(
            Jurisdiction,
            [
                Jurisdiction(
                    pk=i + 1,
                    code=letters[i // 26] + letters[i % 26],
                    name=f"{PREFIX} jurisdiction {i + 1:03d}",
                    slug=f"synthetic-jurisdiction-{i + 1:03d}",
                )
                for i in range(n["jurisdictions"])
            ],
        )
        # Skewed: the first jurisdictions hold far more institutions (Zipf-like weights).
        weights = [1 / (i + 1) ** 0.8 for i in range(len(jurisdictions))]
        branches = Branch.values
        institutions = insert(
            Institution,
            [
                Institution(
                    pk=i + 1,
                    name=f"{PREFIX} {rng.choice(WORDS)} {rng.choice(WORDS)} authority {i + 1:05d}",
                    acronym=f"SYN{i + 1}",
                    slug=f"synthetic-institution-{i + 1:05d}",
                    branch=rng.choice(branches),
                    level=Level.NATIONAL,
                    jurisdiction_id=rng.choices(range(1, len(jurisdictions) + 1), weights)[0],
                    description=f"{PREFIX} institution for benchmarks.",
                )
                for i in range(n["institutions"])
            ],
        )
        sizes = network_sizes(rng, n["networks"], n["memberships"], scale)
        networks = insert(
            Network,
            [
                Network(
                    pk=i + 1,
                    name=f"{PREFIX} {rng.choice(WORDS)} network {i + 1:04d}",
                    acronym=f"SN{i + 1}",
                    slug=f"synthetic-network-{i + 1:04d}",
                    description=f"{PREFIX} network of {size} members over its history.",
                    founded_on=datetime.date(rng.randint(1950, 2010), 1, 1),
                    dimension=Dimension.HORIZONTAL,
                    function_information=True,
                    reach=rng.choice(Reach.values),
                    sector=rng.choice(Sector.values),
                    origin=rng.choice(Origin.values),
                )
                for i, size in enumerate(sizes)
            ],
        )
        memberships = []
        today = datetime.date(2026, 1, 1)
        for network, size in zip(networks, sizes, strict=True):
            members = rng.sample(range(1, len(institutions) + 1), min(size, len(institutions)))
            for institution_id in members:
                start = day(rng, network.founded_on, datetime.date(2024, 12, 31))
                ended = rng.random() < 0.25
                end = day(rng, start, today) if ended else None
                memberships.append(
                    Membership(
                        pk=len(memberships) + 1,
                        network_id=network.pk,
                        member_institution_id=institution_id,
                        start_date=start,
                        end_date=end,
                        end_reason=EndReason.WITHDRAWN if ended else "",
                    )
                )
        insert(Membership, memberships)

        memoranda, signatories = [], []
        for i in range(n["memoranda"]):
            bilateral = rng.random() < 0.7
            size = 2 if bilateral else min(150, 3 + int(rng.paretovariate(1.2) * 4))
            size = min(size, len(institutions))
            signed = day(rng, datetime.date(1980, 1, 1), datetime.date(2025, 6, 30))
            memoranda.append(
                Memorandum(
                    pk=i + 1,
                    title=f"{PREFIX} memorandum {i + 1:05d} on {rng.choice(WORDS)} cooperation",
                    slug=f"synthetic-memorandum-{i + 1:05d}",
                    kind=MemorandumKind.BILATERAL if bilateral else MemorandumKind.MULTILATERAL,
                    sector=rng.choice(Sector.values),
                    signed_on=signed,
                )
            )
            for institution_id in rng.sample(range(1, len(institutions) + 1), size):
                signatories.append(
                    Signatory(
                        pk=len(signatories) + 1,
                        memorandum_id=i + 1,
                        institution_id=institution_id,
                        signed_on=signed,
                    )
                )
        insert(Memorandum, memoranda)
        insert(Signatory, signatories)

        meetings = []
        kinds = MeetingKind.values
        for i in range(n["meetings"]):
            start = day(rng, datetime.date(1990, 1, 1), datetime.date(2027, 12, 31))
            meetings.append(
                Meeting(
                    pk=i + 1,
                    network_id=rng.randint(1, len(networks)),
                    title=f"{PREFIX} meeting {i + 1:05d}",
                    slug=f"synthetic-meeting-{i + 1:05d}",
                    kind=rng.choice(kinds),
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randint(0, 3)),
                    city=f"{PREFIX} city {rng.randint(1, 500)}",
                    jurisdiction_id=rng.randint(1, len(jurisdictions)),
                )
            )
        insert(Meeting, meetings)
        self.reset_sequences()
        return counts

    def reset_sequences(self) -> None:
        """Explicit primary keys were written: the next curator insert must not collide."""
        models_ = [Source, *CURATED, Membership, Signatory]
        for model in list(models_):
            models_ += [
                f.remote_field.through
                for f in model._meta.local_many_to_many
                if isinstance(f, models.ManyToManyField)
            ]
        statements = connection.ops.sequence_reset_sql(no_style(), models_)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
