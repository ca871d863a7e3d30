"""The development plan of an AKPK (engine/planner.py on the database) and the IDP it becomes.

Flow: the admin instansi starts a run with a budget and settings (a background job, "plan_run"); the job loads
the pegawai, the AKPK's needs and the year's catalogue (planning/loading.plan_input), solves, stores every
assignment with the needs it closes (PlanItem), every need left open and every pegawai left below the legal
minimum with the reason (PlanGap), a summary and, when asked, the budget curve (the same instance re-solved
at other budgets). The admin adopts one run of an approved AKPK: its items become the pegawai's IDP,
proposed to the atasan, who approves or rejects each; an item is done when the pegawai links the learning
record that reports it and that record is verified.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record as audit
from bangkom.engine import planner
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.learning.services import OutOfScope, RecordInvalid
from bangkom.org.selectors import is_atasan_of
from bangkom.planning.loading import PlanInput, plan_input
from bangkom.planning.models import Akpk, AkpkStatus, PlanGap, PlanGapKind, PlanItem, PlanItemStatus, PlanRun
from bangkom.planning.services import _add

# Budgets of the curve, as multiples of the run's budget (1 is the run itself).
CURVE_FACTORS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
BUDGET_MAX = 10**15  # rupiah; far above any instansi's yearly budget
JP_CAP_RANGE = (1, 400)
TIME_LIMIT_RANGE = (2, 300)
MIX_PENALTY_RANGE = (0.0, 10.0)
ITEM_BATCH = 5000

# One text per reason code of engine.planner (the pages and downloads read these).
NEED_REASON_TEXT: dict[str, Any] = {
    "closed": gettext_lazy("Tertutup oleh rencana"),
    "no_offering": gettext_lazy("Tidak ada penawaran di katalog yang mengembangkan kompetensi ini"),
    "seats": gettext_lazy("Kuota peserta penawaran yang sesuai sudah penuh"),
    "time": gettext_lazy("Waktu (batas JP) pegawai sudah terpakai"),
    "budget": gettext_lazy("Anggaran tidak cukup"),
    "value": gettext_lazy("Anggaran, kuota dan waktu dipakai untuk kebutuhan yang lebih bernilai"),
    "not_eligible": gettext_lazy("Pegawai tidak memenuhi syarat (jenis jabatan atau level minimal) penawaran yang ada"),
}
MINIMUM_REASON_TEXT: dict[str, Any] = {
    "no_offering": gettext_lazy("Tidak ada penawaran untuk kebutuhannya (atau belum ada kebutuhan disetujui)"),
    "seats": gettext_lazy("Kuota peserta penawaran yang sesuai sudah penuh"),
    "time": gettext_lazy("Waktu (batas JP) pegawai tidak cukup"),
    "budget": gettext_lazy("Anggaran tidak cukup"),
    "value": gettext_lazy("Anggaran dan kuota dipakai untuk pegawai lain yang juga di bawah batas minimal"),
    "not_eligible": gettext_lazy("Pegawai tidak memenuhi syarat penawaran yang ada"),
}
NOTE_TEXT: dict[str, Any] = {
    "no_pegawai": gettext_lazy("Instansi belum memiliki pegawai."),
    "no_needs": gettext_lazy(
        "Belum ada kebutuhan yang disetujui di AKPK ini: rencana kosong. Himpun dan setujui kebutuhan dahulu."
    ),
    "no_offerings": gettext_lazy("Katalog tidak memiliki penawaran aktif untuk tahun ini."),
    "zero_budget": gettext_lazy(
        "Anggaran nol: hanya penawaran tanpa biaya (coaching, mentoring, belajar mandiri, dsb.) yang dapat dipilih."
    ),
    "no_offering_for_any_need": gettext_lazy(
        "Tidak satu pun penawaran di katalog mengembangkan kompetensi yang dibutuhkan."
    ),
    "no_seats": gettext_lazy("Semua penawaran berkuota nol."),
}


def reason_text(kind: str, code: str) -> str:
    table = NEED_REASON_TEXT if kind == PlanGapKind.NEED else MINIMUM_REASON_TEXT
    return str(table.get(code, code))


def parse_rupiah(value: Any) -> int | None:
    """'1.500.000', 'Rp 1.500.000', '1500000' or 1500000 -> 1500000; None when it is not a whole amount."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = re.sub(r"^\s*rp\.?\s*", "", str(value or ""), flags=re.IGNORECASE).strip().replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None  # ASCII digits, within 64 bits


def _number(value: Any) -> float | None:
    try:
        out = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return out if np.isfinite(out) else None


@dataclass(frozen=True)
class RunSettings:
    budget: Any
    jp_cap: Any = 40
    include_pending: bool = False
    mix_penalty: Any = 0.1
    time_limit: Any = 10
    with_curve: bool = True


def _clean_settings(data: RunSettings) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    budget = parse_rupiah(data.budget)
    if budget is None or budget < 0:
        _add(
            errors, "budget", _("Anggaran harus berupa bilangan rupiah bulat, nol atau lebih (contoh: 1.500.000.000).")
        )
    elif budget > BUDGET_MAX:
        _add(errors, "budget", _("Anggaran terlalu besar."))
    jp_cap = _number(data.jp_cap)
    if jp_cap is None or not JP_CAP_RANGE[0] <= jp_cap <= JP_CAP_RANGE[1]:
        _add(
            errors,
            "jp_cap",
            _("Batas JP per pegawai harus antara %(lo)s dan %(hi)s.") % {"lo": JP_CAP_RANGE[0], "hi": JP_CAP_RANGE[1]},
        )
    penalty = _number(data.mix_penalty)
    if penalty is None or not MIX_PENALTY_RANGE[0] <= penalty <= MIX_PENALTY_RANGE[1]:
        _add(errors, "mix_penalty", _("Bobot komposisi 70-20-10 harus antara 0 dan 10."))
    limit = _number(data.time_limit)
    if limit is None or limit != int(limit) or not TIME_LIMIT_RANGE[0] <= limit <= TIME_LIMIT_RANGE[1]:
        _add(
            errors,
            "time_limit",
            _("Batas waktu hitung harus bilangan bulat antara %(lo)s dan %(hi)s detik.")
            % {"lo": TIME_LIMIT_RANGE[0], "hi": TIME_LIMIT_RANGE[1]},
        )
    if errors:
        raise RecordInvalid(errors)
    return {
        "budget": budget,
        "jp_cap": Decimal(str(jp_cap)).quantize(Decimal("0.01")),
        "include_pending": bool(data.include_pending),
        "mix_penalty": penalty,
        "time_limit": int(limit or 0),
        "with_curve": bool(data.with_curve),
    }


def _is_admin_of(actor: Any, agency_id: int) -> bool:
    return agency_id in roles_for(actor).admin_agency_ids


@transaction.atomic
def plan_run_start(*, actor: Any, akpk: Akpk, data: RunSettings, lang: str = "id", in_process: bool = False) -> PlanRun:
    """Validate the settings, store the run and start its job (the page follows the job's progress).

    in_process: solve now, in this process, without a job (command-line tools such as the demo seed).
    """
    from bangkom.jobs.services import submit_job

    if not _is_admin_of(actor, akpk.agency_id):
        raise OutOfScope
    clean = _clean_settings(data)
    run = PlanRun.objects.create(akpk=akpk, created_by=actor if actor.is_authenticated else None, **clean)
    audit(
        actor=actor,
        action="create",
        entity="planning.planrun",
        object_id=run.pk,
        agency_id=akpk.agency_id,
        after={k: str(v) for k, v in clean.items()},
    )
    if in_process:
        plan_run_execute(run, lambda pct, message: None)
        return run
    run.job = submit_job(kind="plan_run", params={"run_id": run.pk, "lang": lang}, user=actor, agency_id=akpk.agency_id)
    run.save(update_fields=["job"])
    return run


# --- the job's body -------------------------------------------------------------------------------------------


def _settings(run: PlanRun, budget: float, time_limit: float) -> planner.PlanSettings:
    return planner.PlanSettings(budget=float(budget), mix_penalty=float(run.mix_penalty), time_limit=time_limit)


def _curve_point(budget: int, plan: planner.Plan, below: int, value_total: float) -> dict[str, Any]:
    return {
        "budget": int(budget),
        "value": round(float(plan.value), 3),
        "coverage": round(100.0 * plan.value / value_total, 2) if value_total > 0 else 0.0,
        "cost": round(plan.cost),
        "objective": round(float(plan.objective), 3),
        "bound": None if not np.isfinite(plan.bound) else round(float(plan.bound), 3),
        "below_minimum": below,
        "assignments": len(plan.employee),
    }


def _increase_lookup(inp: PlanInput) -> dict[tuple[int, int], int]:
    off = inp.offerings
    return {
        (int(o), int(c)): int(i)
        for o, c, i in zip(
            off.support_offering.tolist(), off.support_competency.tolist(), off.support_increase.tolist(), strict=True
        )
    }


def _store(run: PlanRun, inp: PlanInput, plan: planner.Plan) -> dict[str, Any]:
    """PlanItem and PlanGap rows of a solved plan; returns the summary counts."""
    emp, needs, off = inp.employees, inp.needs, inp.offerings
    increase = _increase_lookup(inp)
    remaining = inp.shortfall_before.astype(np.int64).copy()  # hundredths still below the minimum
    planned_jp = np.zeros(emp.n, dtype=np.int64)
    items: list[PlanItem] = []
    for a in range(len(plan.employee)):
        i, o = int(plan.employee[a]), int(plan.offering[a])
        closes = []
        value = 0.0
        for j in plan.closes_need[plan.closes_ptr[a] : plan.closes_ptr[a + 1]].tolist():
            gap = int(needs.gap[j])
            closed = min(gap, increase.get((o, int(needs.competency[j])), 0))
            weight = float(needs.weight[j])
            value += weight * closed
            closes.append(
                {"competency": int(inp.need_competency_id[j]), "gap": gap, "closed": closed, "weight": weight}
            )
        jp = int(off.jp[o])
        towards = min(jp, int(remaining[i]))
        remaining[i] -= towards
        planned_jp[i] += jp
        items.append(
            PlanItem(
                run=run,
                employee_id=int(inp.employee_id[i]),
                offering_id=int(inp.offering_id[o]),
                value=round(value, 4),
                closes=closes,
                towards_minimum=Decimal(towards) / 100,
            )
        )
    PlanItem.objects.bulk_create(items, batch_size=ITEM_BATCH)

    gaps: list[PlanGap] = []
    open_needs = np.flatnonzero(plan.need_reason != planner.CLOSED)
    for j in open_needs.tolist():
        gaps.append(
            PlanGap(
                run=run,
                kind=PlanGapKind.NEED,
                employee_id=int(inp.employee_id[int(needs.employee[j])]),
                competency_id=int(inp.need_competency_id[j]),
                reason=planner.NEED_REASONS[int(plan.need_reason[j])],
            )
        )
    for i, r in zip(plan.below_minimum.tolist(), plan.below_minimum_reason.tolist(), strict=True):
        gaps.append(
            PlanGap(
                run=run,
                kind=PlanGapKind.MINIMUM,
                employee_id=int(inp.employee_id[i]),
                reason=planner.MINIMUM_REASONS[int(r)],
                shortfall=Decimal(int(max(remaining[i], 0))) / 100,
            )
        )
    PlanGap.objects.bulk_create(gaps, batch_size=ITEM_BATCH)

    need_reasons = np.bincount(plan.need_reason.astype(np.int64), minlength=len(planner.NEED_REASONS))
    min_reasons = np.bincount(plan.below_minimum_reason.astype(np.int64), minlength=len(planner.MINIMUM_REASONS))
    value_total = float((needs.weight * needs.gap).sum())
    return {
        "pegawai": emp.n,
        "pegawai_planned": len(np.unique(plan.employee)),
        "needs": needs.m,
        "needs_closed": int(need_reasons[planner.CLOSED]),
        "need_reasons": {c: int(k) for c, k in zip(planner.NEED_REASONS, need_reasons.tolist(), strict=True) if k},
        "below_minimum_before": int((inp.shortfall_before > 0).sum()),
        "below_minimum_after": len(plan.below_minimum),
        "minimum_reasons": {c: int(k) for c, k in zip(planner.MINIMUM_REASONS, min_reasons.tolist(), strict=True) if k},
        "jp_planned": round(float(planned_jp.sum()) / 100, 2),
        "jp_by_mix": [round(float(x), 2) for x in plan.jp_by_mix.tolist()],
        "mix_target": [70, 20, 10],
        "minimum_jp": round(float(plan.minimum_jp), 2),
        "value_total": value_total,
        "notes": list(plan.notes),
        "offerings": off.p,
    }


def plan_run_execute(run: PlanRun, progress: Callable[[int, str], None]) -> dict[str, Any]:
    """Solve the run, store its plan, gaps, summary and curve (the "plan_run" job calls this)."""
    if run.is_finished:
        raise RecordInvalid({"__all__": [_("Rencana ini sudah dihitung.")]})
    progress(5, _("Memuat pegawai, kebutuhan dan katalog"))
    inp = plan_input(run.akpk, jp_cap=float(run.jp_cap), include_pending=run.include_pending)
    progress(20, _("Menghitung rencana optimal"))
    plan = planner.plan(inp.employees, inp.needs, inp.offerings, _settings(run, run.budget, run.time_limit))
    progress(60, _("Menyimpan rencana"))
    with transaction.atomic():
        summary = _store(run, inp, plan)
        value_total = float(summary["value_total"])
        run.objective, run.value, run.value_total = float(plan.objective), float(plan.value), value_total
        run.bound = float(plan.bound) if np.isfinite(plan.bound) else None
        run.gap = float(plan.gap) if np.isfinite(plan.gap) else None
        run.cost, run.method, run.seconds = round(plan.cost), plan.method, float(plan.seconds)
        run.summary = summary
        run.save()
    curve: list[dict[str, Any]] = []
    if run.with_curve:
        factors = [f for f in CURVE_FACTORS if f != 1.0]
        limit = max(1.0, run.time_limit / 3)
        for k, factor in enumerate(factors):
            progress(70 + 28 * k // len(factors), _("Kurva anggaran: %(pct)s%% anggaran") % {"pct": int(factor * 100)})
            budget = int(run.budget * factor)
            other = planner.plan(inp.employees, inp.needs, inp.offerings, _settings(run, budget, limit))
            curve.append(_curve_point(budget, other, len(other.below_minimum), value_total))
    curve.append(_curve_point(run.budget, plan, len(plan.below_minimum), value_total))
    curve.sort(key=lambda p: p["budget"])
    run.curve = curve
    run.finished_at = timezone.now()
    run.save(update_fields=["curve", "finished_at"])
    return {
        "run_id": run.pk,
        "assignments": len(plan.employee),
        "needs_closed": summary["needs_closed"],
        "below_minimum": summary["below_minimum_after"],
        "gap": run.gap,
    }


# --- adoption and the IDP ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_adopt(*, actor: Any, run: PlanRun) -> PlanRun:
    """Make the run the AKPK's plan: its items become the pegawai's IDP, proposed to their atasan.

    Only a finished run of an approved AKPK. Another run adopted before is replaced while none of its items
    has been decided or linked; after that the adopted plan stands.
    """
    run = PlanRun.objects.select_for_update().select_related("akpk").get(pk=run.pk)
    akpk = run.akpk
    if not _is_admin_of(actor, akpk.agency_id):
        raise OutOfScope
    if not run.is_finished:
        raise RecordInvalid({"__all__": [_("Rencana belum selesai dihitung.")]})
    if akpk.status != AkpkStatus.APPROVED:
        raise RecordInvalid({"__all__": [_("AKPK harus disetujui sebelum rencananya ditetapkan.")]})
    if run.is_adopted:
        return run
    previous = PlanRun.objects.select_for_update().filter(akpk=akpk, adopted_at__isnull=False).first()
    if previous is not None:
        started = (
            previous.items.exclude(status=PlanItemStatus.PROPOSED).exists()
            or previous.items.filter(record__isnull=False).exists()
        )
        if started:
            raise RecordInvalid(
                {"__all__": [_("Rencana lain sudah ditetapkan dan atasan sudah memutuskan sebagian butirnya.")]}
            )
        previous.items.update(status=PlanItemStatus.DRAFT)
        previous.adopted_at, previous.adopted_by = None, None
        previous.save(update_fields=["adopted_at", "adopted_by"])
    run.items.update(status=PlanItemStatus.PROPOSED)
    run.adopted_at, run.adopted_by = timezone.now(), actor
    run.save(update_fields=["adopted_at", "adopted_by"])
    audit(
        actor=actor,
        action="adopt",
        entity="planning.planrun",
        object_id=run.pk,
        agency_id=akpk.agency_id,
        summary=str(previous.pk) if previous else "",
    )
    return run


@transaction.atomic
def idp_decide(*, actor: Any, item: PlanItem, approve: bool, reason: str = "") -> PlanItem:
    """The atasan (anywhere up the chain) approves or rejects one IDP item; a rejection needs its reason."""
    item = PlanItem.objects.select_for_update().select_related("employee", "run").get(pk=item.pk)
    if not is_atasan_of(actor, item.employee):
        raise OutOfScope
    if item.status == PlanItemStatus.DRAFT or not item.run.is_adopted:
        raise RecordInvalid({"__all__": [_("Butir ini belum menjadi bagian dari IDP yang ditetapkan.")]})
    if item.record_id is not None:
        raise RecordInvalid({"__all__": [_("Butir ini sudah dilaksanakan dan tidak dapat diputuskan ulang.")]})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise RecordInvalid({"reason": [_("Tuliskan alasan penolakan.")]})
    if len(reason) > 2000:
        raise RecordInvalid({"reason": [_("Alasan terlalu panjang (paling banyak 2000 karakter).")]})
    before = item.status
    item.status = PlanItemStatus.APPROVED if approve else PlanItemStatus.REJECTED
    item.reason, item.decided_by, item.decided_at = reason, actor, timezone.now()
    item.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit(
        actor=actor,
        action="approve" if approve else "reject",
        entity="planning.planitem",
        object_id=item.pk,
        agency_id=item.employee.agency_id,
        before={"status": before},
        after={"status": item.status, "reason": reason},
    )
    return item


@transaction.atomic
def idp_link_record(*, actor: Any, item: PlanItem, record: LearningRecord | None) -> PlanItem:
    """The pegawai (or an atasan) links the learning record that reports an approved IDP item (None unlinks).

    The record must be the same pegawai's, of the plan's year and not rejected; it counts as done once verified.
    """
    item = PlanItem.objects.select_for_update().select_related("employee", "run__akpk").get(pk=item.pk)
    own = roles_for(actor).employee_id == item.employee_id
    if not own and not is_atasan_of(actor, item.employee):
        raise OutOfScope
    if item.status != PlanItemStatus.APPROVED:
        raise RecordInvalid({"__all__": [_("Hanya butir IDP yang disetujui atasan yang dapat dihubungkan.")]})
    if record is not None:
        errors: dict[str, list[str]] = {}
        if record.employee_id != item.employee_id:
            _add(errors, "record", _("Catatan pembelajaran itu milik pegawai lain."))
        elif record.status == RecordStatus.REJECTED:
            _add(errors, "record", _("Catatan pembelajaran yang ditolak tidak dapat dihubungkan."))
        elif record.end_date is None or record.end_date.year != item.run.akpk.year:
            _add(
                errors,
                "record",
                _("Catatan pembelajaran harus selesai pada tahun rencana (%(year)s).") % {"year": item.run.akpk.year},
            )
        elif PlanItem.objects.filter(run=item.run, record=record).exclude(pk=item.pk).exists():
            _add(errors, "record", _("Catatan pembelajaran itu sudah dihubungkan ke butir IDP lain."))
        if errors:
            raise RecordInvalid(errors)
    before = item.record_id
    item.record = record
    item.save(update_fields=["record"])
    audit(
        actor=actor,
        action="link" if record is not None else "unlink",
        entity="planning.planitem",
        object_id=item.pk,
        agency_id=item.employee.agency_id,
        before={"record": before},
        after={"record": record.pk if record is not None else None},
    )
    return item


def item_done(item: PlanItem) -> bool:
    return item.record is not None and item.record.status == RecordStatus.VERIFIED
