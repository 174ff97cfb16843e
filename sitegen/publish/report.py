"""Plans and outcomes as the lines a person reads. Pure: text in, text out, no printing."""

from __future__ import annotations

from sitegen.errors import counted
from sitegen.publish.plan import REASONS, Plan, first
from sitegen.publish.sync import Outcome


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover - the loop always returns


def counts_text(plan: Plan) -> str:
    counts = plan.counts()
    why = ", ".join(f"{counts[r]} {r}" for r in REASONS if counts[r])
    upload = f"upload {counted(counts['upload'], 'file')} ({human_bytes(plan.upload_bytes)}"
    upload += f": {why})" if why else ")"
    return f"{upload}; delete {counts['delete']:,}; {counts['unchanged']:,} unchanged"


def plan_lines(plan: Plan, limit: int = 10) -> list[str]:
    """The dry-run listing: counts, then the first `limit` paths of each kind of change."""
    lines = ["plan: " + counts_text(plan)]
    for kind, paths in plan.by_reason().items():
        if not paths:
            continue
        shown, more = first(paths, limit)
        lines.append(f"  {kind} ({len(paths):,}):")
        lines += [f"    {path}" for path in shown]
        if more:
            lines.append(f"    … and {more:,} more")
    return lines


def requests_text(outcome: Outcome) -> str:
    if not outcome.requests:
        return "no network"
    return counted(sum(outcome.requests.values()), "request")


def summary_line(outcome: Outcome, where: str, dry_run: bool) -> str:
    plan = outcome.plan
    if dry_run:
        return (f"dry run for {where}: would {counts_text(plan)}; nothing was changed "
                f"({outcome.seconds:.1f} s, {requests_text(outcome)})")
    uploaded = sum(s.size for s in outcome.stored.values())
    return (f"published to {where}: {len(outcome.stored):,} uploaded ({human_bytes(uploaded)}), "
            f"{outcome.deleted:,} deleted, {len(plan.unchanged):,} unchanged "
            f"in {outcome.seconds:.1f} s ({requests_text(outcome)})")


def progress_label(done_bytes: int, total_bytes: int) -> str:
    """Follows the Reporter's "done/total": e.g. "12/100 files, 1.2 MB / 3.4 MB"."""
    return f"files, {human_bytes(done_bytes)} / {human_bytes(total_bytes)}"
