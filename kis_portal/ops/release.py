"""Migrations across releases: what was applied before an upgrade, and the way back.

scripts/release saves the applied migrations before it migrates a new release; a
rollback asks the new release's code (the only one that knows the new migrations)
to unapply everything applied since, if every operation on the way can be undone.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

Node = tuple[str, str]


def applied_migrations() -> list[Node]:
    return sorted(MigrationRecorder(connection).applied_migrations())


def save_applied(path: Path) -> int:
    applied = applied_migrations()
    path.write_text(json.dumps({"applied": applied}, indent=1) + "\n")
    return len(applied)


def load_applied(path: Path) -> set[Node]:
    return {tuple(node) for node in json.loads(path.read_text())["applied"]}


@dataclass(frozen=True)
class RollbackPlan:
    targets: list[tuple[str, str | None]]
    steps: list[str]  # "app.migration", in the order they are unapplied
    irreversible: list[str]  # "app.migration: operation"
    plan: list

    @property
    def reversible(self) -> bool:
        return not self.irreversible


def rollback_plan(before: set[Node]) -> RollbackPlan:
    """Unapply what was applied since `before`, with this release's migrations."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    applied = set(executor.loader.applied_migrations)
    targets: list[tuple[str, str | None]] = []
    for app in sorted({app for app, _ in applied}):
        now = {node for node in applied if node[0] == app}
        kept = {node for node in before if node[0] == app and node in graph.nodes}
        if now <= kept:
            continue  # nothing of this app was applied since
        if not kept:
            targets.append((app, None))
            continue
        leaves = [
            node
            for node in kept
            if not any(child in kept for child in graph.node_map[node].children)
        ]
        targets.extend(sorted(leaves))
    plan = executor.migration_plan(targets) if targets else []
    steps, irreversible = [], []
    for migration, backwards in plan:
        label = f"{migration.app_label}.{migration.name}"
        steps.append(label)
        if not backwards:
            irreversible.append(f"{label}: akan diterapkan, bukan dibalik")
        irreversible.extend(
            f"{label}: {operation.describe()}"
            for operation in _irreversible(migration.operations)
        )
    return RollbackPlan(targets, steps, irreversible, plan)


def _irreversible(operations) -> list:
    found = []
    for operation in operations:
        inner = getattr(
            operation, "database_operations", None
        )  # SeparateDatabaseAndState
        if inner is not None:
            found.extend(_irreversible(inner))
        elif not operation.reversible:
            found.append(operation)
    return found


def rollback_apply(rollback: RollbackPlan) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(rollback.targets, plan=rollback.plan)
