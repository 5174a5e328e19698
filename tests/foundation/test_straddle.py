"""`--straddle` (tests/straddle.py) makes a test cross the moment it names."""

import subprocess
import sys
from pathlib import Path

from tests.straddle import lead

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import datetime, time, zoneinfo

MOMENT = datetime.datetime(2027, 3, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))


def test_runs_from_just_before_the_moment_to_after_it():
    # The test began at most 80 ms before the moment (its set-up may have used
    # some of that on a busy machine) and is past it after sleeping 0.1 s.
    first = datetime.datetime.now(MOMENT.tzinfo)
    time.sleep(0.1)
    last = datetime.datetime.now(MOMENT.tzinfo)
    assert MOMENT - datetime.timedelta(milliseconds=80) <= first < last, first
    assert MOMENT <= last < MOMENT + datetime.timedelta(seconds=30), last
"""


def run_probe(tmp_path, *options: str) -> subprocess.CompletedProcess:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    command += ["-c", str(tmp_path / "none.ini"), "--rootdir", str(tmp_path)]
    command += ["-p", "tests.straddle", *options, str(probe)]
    (tmp_path / "none.ini").write_text("[pytest]\n")
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_every_test_starts_just_before_the_moment_and_crosses_it(tmp_path):
    run = run_probe(tmp_path, "--straddle=2027-03-01T00:00+08:00")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "every test crosses 2027-03-01T00:00:00+08:00" in run.stdout
    # Without it the clock is the machine's: the probe fails.
    assert run_probe(tmp_path).returncode == 1


def test_a_moment_without_its_zone_is_refused(tmp_path):
    run = run_probe(tmp_path, "--straddle=2027-03-01T00:00")
    assert run.returncode != 0
    assert "give a moment with its zone" in run.stdout + run.stderr


def test_the_lead_is_a_few_milliseconds_fixed_by_name_and_seed():
    leads = {lead(f"tests/x.py::test_{i}").total_seconds() for i in range(200)}
    assert min(leads) >= 0.005 and max(leads) <= 0.08 and len(leads) == 16
    assert lead("tests/x.py::test_a") == lead("tests/x.py::test_a")
    moved = [
        lead(f"tests/x.py::test_{i}", "1") != lead(f"tests/x.py::test_{i}")
        for i in range(50)
    ]
    assert sum(moved) > 25
