"""CPU cost of starting `zanwatch`: help, version and two database commands, next to `import sqlmodel`.

Each command runs as a child process; its cost is the user+sys CPU that `getrusage(RUSAGE_CHILDREN)` gains
while it runs, the median of several repetitions. `import sqlmodel` is measured in the same run because a
database command cannot cost less than importing the ORM, and `import typer, rich` (the floor of `--help`)
because on a shared machine every figure grows with the load: compare within one run.

The commands run with Python's bytecode cache on, as an installed zanwatch does (pip compiles it; an editable
install writes `__pycache__` on first use), after one unmeasured round: with PYTHONDONTWRITEBYTECODE set, as
in the development sessions, every run would compile the project's own sources again (~0.2 G instructions
of `history`) while SQLModel's come precompiled from site-packages.
Run: `python bench/cli_bench.py`.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPETITIONS = 7
FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "adilet" / "Z950002592_.rus.html"
KEY = "adilet:Z950002592_"
HELP_GOAL_S = 0.3
DB_OVER_SQLMODEL_GOAL_S = 0.25


def zanwatch() -> list[str]:
    """The installed console script next to this interpreter, so the bench measures what users run."""
    return [str(Path(sys.executable).with_name("zanwatch"))]


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ZANWATCH_DB": f"sqlite:///{tmp}/bench.db", "COLUMNS": "120"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([*zanwatch(), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*zanwatch(), "watch", "add", KEY], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*zanwatch(), "import", str(FIXTURE), "--as", KEY, "--date", "2024-01-01"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = {
            "cli_help_cpu_s": [*zanwatch(), "--help"],
            "version_cpu_s": [*zanwatch(), "--version"],
            "watch_list_cpu_s": [*zanwatch(), "watch", "list"],
            "history_cpu_s": [*zanwatch(), "history", KEY],
            "sqlmodel_import_cpu_s": [sys.executable, "-c", "import sqlmodel"],
            "typer_rich_import_cpu_s": [sys.executable, "-c", "import typer, rich.console"],
        }
        for argv in commands.values():  # writes the bytecode cache, as a user's first run does
            cpu_of(argv, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(REPETITIONS):  # interleaved, so that load from other processes weighs on all alike
            for name, argv in commands.items():
                samples[name].append(cpu_of(argv, env))
    cpu = {name: statistics.median(values) for name, values in samples.items()}
    print("RESULT " + " ".join(f"{name}={value:.3f}" for name, value in cpu.items()))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    db_goal = cpu["sqlmodel_import_cpu_s"] + DB_OVER_SQLMODEL_GOAL_S
    goals = {
        f"--help <= {HELP_GOAL_S}s": cpu["cli_help_cpu_s"] <= HELP_GOAL_S,
        f"--version <= {HELP_GOAL_S}s": cpu["version_cpu_s"] <= HELP_GOAL_S,
        f"watch list <= sqlmodel import + {DB_OVER_SQLMODEL_GOAL_S}s ({db_goal:.3f}s)": (
            cpu["watch_list_cpu_s"] <= db_goal
        ),
        f"history <= sqlmodel import + {DB_OVER_SQLMODEL_GOAL_S}s ({db_goal:.3f}s)": (
            cpu["history_cpu_s"] <= db_goal
        ),
    }
    for goal, met in goals.items():
        print(f"GOAL {goal}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
