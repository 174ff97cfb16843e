"""Plans and outcomes as messages a person reads. Pure: data in, messages out, no printing."""

from __future__ import annotations

from sitegen.messages import Msg, msg
from sitegen.publish.plan import REASONS, Plan, first
from sitegen.publish.sync import Outcome


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover - the loop always returns


def counts_text(plan: Plan) -> Msg:
    counts = plan.counts()
    why = [msg(f"publish-reason-{r.replace(' ', '-')}", count=counts[r]) for r in REASONS if counts[r]]
    return msg("publish-counts-why" if why else "publish-counts", files=counts["upload"],
               size=human_bytes(plan.upload_bytes), why=why, delete=counts["delete"], unchanged=counts["unchanged"])


def plan_lines(plan: Plan, limit: int = 10) -> list[Msg | str]:
    """The dry-run listing: counts, then the first `limit` paths of each kind of change (paths as they are)."""
    lines: list[Msg | str] = [msg("publish-plan", counts=counts_text(plan))]
    for kind, paths in plan.by_reason().items():
        if not paths:
            continue
        shown, more = first(paths, limit)
        lines.append(msg("publish-plan-kind", kind=msg(f"publish-kind-{kind.replace(' ', '-')}"), count=len(paths)))
        lines += [f"    {path}" for path in shown]
        if more:
            lines.append(msg("publish-plan-more", count=more))
    return lines


def requests_text(outcome: Outcome) -> Msg:
    if not outcome.requests:
        return msg("publish-no-network")
    return msg("publish-requests", count=sum(outcome.requests.values()))


def summary_line(outcome: Outcome, where: str, dry_run: bool) -> Msg:
    plan = outcome.plan
    if dry_run:
        return msg("publish-dry-run-summary", where=where, counts=counts_text(plan), seconds=f"{outcome.seconds:.1f}",
                   requests=requests_text(outcome))
    uploaded = sum(s.size for s in outcome.stored.values())
    return msg("publish-summary", where=where, uploaded=len(outcome.stored), size=human_bytes(uploaded),
               deleted=outcome.deleted, unchanged=len(plan.unchanged), seconds=f"{outcome.seconds:.1f}",
               requests=requests_text(outcome))


def progress_label(done_bytes: int, total_bytes: int) -> Msg:
    """Follows the Reporter's "done/total": e.g. "12/100 files, 1.2 MB / 3.4 MB"."""
    return msg("publish-progress", done=human_bytes(done_bytes), total=human_bytes(total_bytes))
