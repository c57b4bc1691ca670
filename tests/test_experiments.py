"""experiments/adding_problem.py, the study notebook 08 reports: its quick run finishes and
writes every run's results next to the constant baseline."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "adding_problem.py"


def test_the_experiment_script_runs_and_writes_its_results(tmp_path):
    out = tmp_path / "quick.json"
    subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(out)], check=True,
                   capture_output=True, timeout=120)
    result = json.loads(out.read_text())
    assert result["baseline_mse"] == pytest.approx(1 / 6, rel=0.02)
    # quick: 2 inits x (adam, sgd: clipped and not; 3 others clipped) + 2 inits x 2 optimisers at "long"
    assert len(result["runs"]) == 2 * (2 * 2 + 3) + 2 * 2
    assert all("mse" in r for r in result["runs"])
