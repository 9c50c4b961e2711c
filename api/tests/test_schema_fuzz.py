"""Schemathesis fuzzes every endpoint of the live API against its own OpenAPI schema.

LATTICE_FUZZ_EXAMPLES is the budget: at most that many generated cases per operation in
the fuzzing phase. LATTICE_FUZZ_PHASES picks Schemathesis's phases: a developer's run
leaves out the coverage phase, which makes some 2,700 boundary cases whatever the budget
(about five minutes); CI (.ci/run) runs every phase with a larger budget.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.throttling import SimpleRateThrottle

ST = Path(sys.executable).with_name("st")
FUZZ_EXAMPLES = int(os.environ.get("LATTICE_FUZZ_EXAMPLES") or 5)
FUZZ_PHASES = os.environ.get("LATTICE_FUZZ_PHASES") or "examples,fuzzing,stateful"

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_the_live_api_conforms_to_its_schema(live_server, monkeypatch, capsys):
    call_command("load_directory", verbosity=0)
    # The fuzzer sends thousands of requests; throttling is tested elsewhere.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None})
    result = subprocess.run(
        [
            str(ST),
            "run",
            f"{live_server.url}/api/v1/schema/?format=json",
            "--checks",
            "all",
            # Every check, positive_data_acceptance included: a request the schema allows
            # is accepted (2xx), or names a record that does not exist (404); the schema
            # states every bound the API enforces (api/schema.py).
            "--phases",
            FUZZ_PHASES,
            "--max-examples",
            str(FUZZ_EXAMPLES),
            "--workers",
            "1",
            "--seed",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    # Record how much was exercised (the count appears in the CI log).
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    with capsys.disabled():
        print("\nschemathesis summary:\n" + "\n".join(output.splitlines()[-25:]))
    assert cases, output[-3000:]
    assert cases.group(1) == cases.group(2)
    # Some cases per operation at least (26 operations), thousands with the coverage phase.
    assert int(cases.group(1)) > (500 if "coverage" in FUZZ_PHASES else 50)
