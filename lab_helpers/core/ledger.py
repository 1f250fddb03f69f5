"""The ledger: every resource a lab created through ``lab.client()``, in creation order.

Teardown reads it to delete in dependency order; in live mode it is also written to
``$VPCLAB_HOME/ledgers/<run_id>.json`` so ``vpclab cleanup`` can finish the job if the kernel died.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from lab_helpers import config
from lab_helpers.core.resources import BY_OPERATION, KINDS, ids_in
from lab_helpers.errors import LabInputError, LedgerError


def vpclab_home() -> Path:
    return config.home()


@dataclass
class Entry:
    kind: str
    resource_id: str
    region: str
    service: str
    deleted: bool = False


@dataclass
class Ledger:
    run_id: str
    lab: str
    entries: list[Entry] = field(default_factory=list)
    path: Optional[Path] = None  # set in live mode: the ledger is also kept on disk

    def record(self, service: str, operation: str, region: str, response: dict, params: dict) -> list[Entry]:
        kind = BY_OPERATION.get((service, operation))
        if kind is None:
            return []
        added = [Entry(kind.name, rid, region, service) for rid in ids_in(response, kind.id_path, params, kind)]
        self.entries.extend(added)
        self._save()
        return added

    def adopt(self, kind: str, resource_id: str, region: str) -> Entry:
        """Record a resource another client made (an ``!aws`` cell in live mode), once, so teardown deletes it."""
        known = {k.name: k for k in KINDS}
        if kind not in known:
            raise LabInputError(f"Unknown resource kind {kind!r}: use one of {', '.join(sorted(known))}.")
        for entry in self.alive():
            if entry.kind == kind and entry.resource_id == resource_id:
                return entry
        entry = Entry(kind, resource_id, region, known[kind].service)
        self.entries.append(entry)
        self._save()
        return entry

    def alive(self) -> list[Entry]:
        return [e for e in self.entries if not e.deleted]

    def in_teardown_order(self) -> list[Entry]:
        """Dependents first: by the kind's order, and within a kind newest first."""
        rank = {k.name: k.order for k in KINDS}
        indexed = list(enumerate(self.alive()))
        indexed.sort(key=lambda ie: (rank.get(ie[1].kind, 99), -ie[0]))
        return [e for _, e in indexed]

    def mark_deleted(self, entry: Entry) -> None:
        entry.deleted = True
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"run_id": self.run_id, "lab": self.lab, "entries": [asdict(e) for e in self.entries]}
        self.path.write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read a ledger back; a truncated or edited file is a :class:`LedgerError` saying so (never a traceback)."""
        try:
            data = json.loads(Path(path).read_text())
            return cls(data["run_id"], data["lab"], [Entry(**e) for e in data["entries"]], Path(path))
        except (OSError, ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
            raise LedgerError(f"The ledger {path} cannot be read ({type(exc).__name__}: {exc}). Its run's resources "
                              "are tagged vpclab:run, so `vpclab cleanup --run-id RUN_ID --region REGION` still "
                              "finds them by tag.") from exc
