"""Demo planning content: a catalogue, the AKPK of the year with its needs decided, and an adopted plan.

Why through the services (offering_save, akpk_create, needs_gather, need_propose, need_review, akpk_approve,
plan_run_start, plan_adopt) and never straight into the tables: the demo then shows what the rules produce,
with the audit trail a real instansi would have. Deterministic: the same seed and date give the same
catalogue and the same decisions.

What a visitor then sees: the catalogue (about 40 national offerings on the managerial and socio-cultural
competencies, plus technical offerings owned by each instansi for its own technical competencies); in the
first instansi the AKPK of the current year, gathered, reviewed by the demo atasan for their subordinates and
approved by the demo admin instansi; one finished plan within a budget of about a quarter of sending every
pegawai to a classical training, adopted, so that the demo pegawai has IDP items and the demo atasan has
items to approve.

Idempotent: an instansi that already has offerings gets no new ones, and when the AKPK of the year exists
the AKPK, needs and plan are left as they are.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bangkom.accounts.models import Role, User
from bangkom.competency.models import Requirement
from bangkom.competency.selectors import latest_levels
from bangkom.learning.models import DevelopmentForm
from bangkom.org.models import Agency, Employee
from bangkom.planning import plan_services
from bangkom.planning.models import Akpk, Modality, Need, NeedStatus, Offering, PlanItem, PlanRun
from bangkom.planning.services import (
    OfferingData,
    akpk_approve,
    akpk_create,
    need_propose,
    need_review,
    needs_gather,
    offering_save,
)

# SIASN jenis diklat (learning migration 0002) by the kind of development they are in the demo catalogue.
CLASSICAL = "classical"  # formal training: costly, few seats, long, dated (70-20-10 category "10")
SOCIAL = "social"  # learning from others in a group: cheap, many seats, short (seminar, workshop, community)
ON_THE_JOB = "on_the_job"  # coaching, mentoring, e-learning, self-study, secondment: about free, self-paced
FORM_KIND: dict[int, str] = {
    1: CLASSICAL,  # Diklat Struktural
    2: CLASSICAL,  # Diklat Fungsional
    3: CLASSICAL,  # Diklat Teknis
    5: CLASSICAL,  # Pelatihan Manajerial
    6: CLASSICAL,  # Pelatihan Sosial Kultural
    8: CLASSICAL,  # Bimbingan Teknis
    11: CLASSICAL,  # Kursus
    12: CLASSICAL,  # Penataran
    4: SOCIAL,  # Workshop
    9: SOCIAL,  # Seminar
    20: SOCIAL,  # Patok banding
    23: SOCIAL,  # Komunitas belajar
    10: ON_THE_JOB,  # Magang
    14: ON_THE_JOB,  # Coaching
    15: ON_THE_JOB,  # Mentoring
    16: ON_THE_JOB,  # E-Learning
    18: ON_THE_JOB,  # Detasering
    22: ON_THE_JOB,  # Belajar mandiri
    24: ON_THE_JOB,  # Bimbingan di tempat kerja
}
# Forms whose participants go somewhere for a while: dated, few seats, some travel cost.
PLACEMENT_FORMS = frozenset({10, 18})
ONLINE_FORMS = frozenset({16})
UNLIMITED_FORMS = frozenset({16, 22, 24})


@dataclass(frozen=True)
class Template:
    title: str
    form: int
    competencies: tuple[str, ...]
    provider: str
    kinds: tuple[str, ...] = ()
    min_level: int | None = None


LAN = "Lembaga Administrasi Negara"
BPSDM = "BPSDM Kementerian Dalam Negeri"
KPK = "Pusat Edukasi Antikorupsi KPK"
KEMENPAN = "Kementerian PANRB"
BKN = "Badan Kepegawaian Negara"
LEMHANNAS = "Lemhannas RI"
ASN_UNGGUL = "LAN - ASN Unggul (daring)"

NATIONAL: tuple[Template, ...] = (
    # Classical
    Template("Pelatihan Kepemimpinan Pengawas (PKP)", 1, ("M.4", "M.6", "M.7"), LAN, ("pengawas",)),
    Template("Pelatihan Kepemimpinan Administrator (PKA)", 1, ("M.2", "M.7", "M.8"), LAN, ("administrator",)),
    Template(
        "Pelatihan Kepemimpinan Nasional Tingkat II",
        1,
        ("M.1", "M.7", "M.8"),
        LAN,
        ("jpt_pratama", "jpt_madya"),
        3,
    ),
    Template("Pelatihan Integritas dan Antikorupsi", 5, ("M.1",), KPK),
    Template("Pelatihan Kerja Sama Tim Lintas Unit", 5, ("M.2",), BPSDM),
    Template("Kursus Komunikasi Efektif dan Berbicara di Depan Umum", 11, ("M.3",), BPSDM),
    Template("Pelatihan Manajemen Kinerja Berorientasi Hasil", 5, ("M.4",), BKN),
    Template("Pelatihan Pelayanan Prima", 3, ("M.5",), KEMENPAN),
    Template("Pelatihan Pengembangan Diri dan Orang Lain", 5, ("M.6", "M.2"), BPSDM),
    Template("Pelatihan Manajemen Perubahan Organisasi", 5, ("M.7",), LAN),
    Template("Kursus Pengambilan Keputusan Berbasis Data", 11, ("M.8", "M.4"), LAN, (), 2),
    Template("Pelatihan Wawasan Kebangsaan dan Moderasi", 6, ("SK.1",), LEMHANNAS),
    Template("Penataran Nilai Dasar ASN BerAKHLAK", 12, ("M.1", "SK.1"), BKN),
    Template("Pelatihan Fungsional Jenjang Ahli: Memimpin Tim Kerja", 2, ("M.2", "M.6"), LAN, ("fungsional",), 2),
    Template("Bimbingan Teknis Standar Pelayanan Publik", 8, ("M.5", "M.3"), KEMENPAN),
    Template("Kursus Negosiasi dan Penyelesaian Konflik", 11, ("M.3", "M.8"), BPSDM, (), 2),
    # Social
    Template("Seminar Nasional Reformasi Birokrasi", 9, ("M.7", "SK.1"), KEMENPAN),
    Template("Seminar Inovasi Pelayanan Publik", 9, ("M.5",), KEMENPAN),
    Template("Workshop Penyusunan Rencana Kinerja", 4, ("M.4",), BKN),
    Template("Workshop Komunikasi Lintas Generasi", 4, ("M.3", "M.2"), BPSDM),
    Template("Workshop Design Thinking untuk ASN", 4, ("M.7", "M.8"), LAN),
    Template("Komunitas Belajar Integritas ASN", 23, ("M.1",), KPK),
    Template("Komunitas Praktik Pelayanan Publik", 23, ("M.5", "M.2"), KEMENPAN),
    Template("Komunitas Belajar Pemimpin Perubahan", 23, ("M.7",), LAN, ("administrator", "pengawas")),
    Template("Patok Banding ke Unit Berpredikat WBK/WBBM", 20, ("M.1", "M.5"), KEMENPAN),
    Template("Seminar Keberagaman dan Perekat Bangsa", 9, ("SK.1",), LEMHANNAS),
    # On the job
    Template("Coaching Kinerja oleh Atasan Langsung", 14, ("M.4", "M.6"), BPSDM),
    Template("Coaching Pengambilan Keputusan", 14, ("M.8",), BPSDM, (), 2),
    Template("Mentoring Integritas dan Etika Jabatan", 15, ("M.1",), BKN),
    Template("Mentoring Pengembangan Karier", 15, ("M.6",), BKN),
    Template("E-Learning Komunikasi Efektif", 16, ("M.3",), ASN_UNGGUL),
    Template("E-Learning Dasar Pelayanan Publik", 16, ("M.5",), ASN_UNGGUL),
    Template("E-Learning Wawasan Kebangsaan", 16, ("SK.1",), ASN_UNGGUL),
    Template("E-Learning Mengelola Perubahan", 16, ("M.7",), ASN_UNGGUL),
    Template("E-Learning Integritas dan Antikorupsi", 16, ("M.1",), KPK),
    Template("Belajar Mandiri: Orientasi pada Hasil", 22, ("M.4",), ASN_UNGGUL),
    Template("Belajar Mandiri: Kerja Sama dan Kolaborasi", 22, ("M.2",), ASN_UNGGUL),
    Template("Bimbingan di Tempat Kerja: Pelayanan Prima", 24, ("M.5", "M.3"), BPSDM),
    Template("Detasering ke Mal Pelayanan Publik", 18, ("M.5", "M.7"), KEMENPAN, ("pelaksana", "fungsional")),
    Template("Magang di Instansi Pusat", 10, ("M.2", "M.8"), BKN, (), 2),
)
# Technical offerings of an instansi, per technical competency of its SKJ: a classical one and one on the job.
TECHNICAL_CLASSICAL = ((8, "Bimbingan Teknis {name}"), (3, "Diklat Teknis {name}"))
TECHNICAL_ON_THE_JOB = ((16, "E-Learning {name}"), (24, "Bimbingan di Tempat Kerja: {name}"), (14, "Coaching {name}"))
CITIES = ("Jakarta", "Bandung", "Yogyakarta", "Surabaya", "Makassar", "Medan", "Denpasar", "Balikpapan")
REJECT_REASON = "Sudah tercakup dalam program pengembangan unit tahun ini."
PEGAWAI_PROPOSALS = 2
PLAN_JP_CAP = 60
PLAN_TIME_LIMIT = 2


@dataclass
class PlanningSeedResult:
    offerings: int = 0
    akpk: Akpk | None = None
    needs: int = 0
    run: PlanRun | None = None
    items: int = 0
    lines: list[str] = field(default_factory=list)


def _rupiah(value: int) -> str:
    return f"Rp {value:,}".replace(",", ".")


def _offering_data(
    tpl: Template, comps: Sequence[str], *, agency: Agency | None, year: int, rng: np.random.Generator
) -> OfferingData:
    """Cost, seats, JP, dates and level increases by the kind of the form (module docstring)."""
    kind = FORM_KIND[tpl.form]
    start: dt.date | None = None
    days = 0
    if kind == CLASSICAL:
        jp = int(rng.integers(2, 10)) * 8  # 16..72 JP, whole days of 8 JP
        cost = int(rng.integers(8, 61)) * 250_000  # Rp 2..15 million
        seats: int | None = int(rng.integers(4, 9)) * 5  # 20..40
        days = jp // 8
        modality = Modality.OFFLINE if rng.random() < 0.7 else Modality.BLENDED
        increases = rng.integers(1, 3, len(comps))
    elif kind == SOCIAL:
        jp = int(rng.integers(2, 9)) * 2  # 4..16 JP
        cost = 0 if tpl.form == 23 else int(rng.integers(0, 16)) * 50_000  # up to Rp 750 thousand
        seats = int(rng.integers(2, 17)) * 5  # 10..80
        days = max(1, jp // 8)
        modality = Modality.ONLINE if tpl.form == 23 and rng.random() < 0.5 else Modality.OFFLINE
        increases = np.ones(len(comps), dtype=np.int64)
    else:
        jp = int(rng.integers(1, 11)) * 2  # 2..20 JP
        cost = int(rng.integers(2, 7)) * 250_000 if tpl.form in PLACEMENT_FORMS else 0
        seats = None if tpl.form in UNLIMITED_FORMS else int(rng.integers(1, 7)) * 5
        days = 10 if tpl.form in PLACEMENT_FORMS else 0
        modality = Modality.ONLINE if tpl.form in ONLINE_FORMS else Modality.BLENDED
        increases = rng.integers(1, 3, len(comps)) if tpl.form in {14, 15, 18} else np.ones(len(comps), np.int64)
    if days:
        first = dt.date(year, 1, 1)
        span = (dt.date(year, 12, 31) - first).days - days
        start = first + dt.timedelta(days=int(rng.integers(0, span + 1)))
    return OfferingData(
        form=tpl.form,
        title=tpl.title,
        provider=tpl.provider,
        jp=Decimal(jp),
        cost_per_participant=cost,
        modality=modality,
        agency=agency,
        seats=seats,
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1) if start is not None else None,
        location="" if modality == Modality.ONLINE else CITIES[int(rng.integers(0, len(CITIES)))],
        eligible_position_kinds=list(tpl.kinds),
        min_level=tpl.min_level,
        competencies=[(c, int(i)) for c, i in zip(comps, increases, strict=True)],
    )


def _skj_competencies(agency: Agency | None) -> list[tuple[str, str]]:
    """(code, name) of the competencies in SKJ lines: national ones across instansi, or one instansi's own."""
    qs = (
        Requirement.objects.filter(competency__agency=agency)
        if agency
        else Requirement.objects.filter(competency__agency__isnull=True)
    )
    return sorted(set(qs.values_list("competency__code", "competency__name")))


def _admin_of(agency: Agency) -> User | None:
    return (
        User.objects.filter(is_active=True, role_assignments__role=Role.ADMIN_INSTANSI, role_assignments__agency=agency)
        .order_by("pk")
        .first()
    )


def seed_catalogue(*, national_admin: User, year: int, rng: np.random.Generator) -> int:
    """The national catalogue (when it is empty) and each instansi's technical offerings (when it has none)."""
    created = 0
    present = {code for code, _name in _skj_competencies(None)}
    if not Offering.objects.filter(agency__isnull=True).exists():
        for tpl in NATIONAL:
            comps = [c for c in tpl.competencies if c in present]
            if comps:
                data = _offering_data(tpl, comps, agency=None, year=year, rng=rng)
                offering_save(actor=national_admin, data=data)
                created += 1
    for agency in Agency.objects.filter(employees__isnull=False).distinct().order_by("code"):
        admin = _admin_of(agency)
        if admin is None or Offering.objects.filter(agency=agency).exists():
            continue
        provider = f"BPSDM {agency.name}"[:255]
        for i, (code, name) in enumerate(_skj_competencies(agency)):
            for form, title in (
                TECHNICAL_CLASSICAL[i % len(TECHNICAL_CLASSICAL)],
                TECHNICAL_ON_THE_JOB[i % len(TECHNICAL_ON_THE_JOB)],
            ):
                tpl = Template(title.format(name=name), form, (code,), provider)
                offering_save(actor=admin, data=_offering_data(tpl, [code], agency=agency, year=year, rng=rng))
                created += 1
    return created


def _propose_for_pegawai(pegawai: User, akpk: Akpk) -> int:
    """The demo pegawai proposes needs of their own (SKJ competencies not yet a need), as a pegawai would: a
    visitor then sees a proposal, and the pegawai has an IDP even when the gathering found no gap of theirs."""
    employee = pegawai.employee
    if employee is None or employee.position_id is None:
        return 0
    taken = set(Need.objects.filter(akpk=akpk, employee=employee).values_list("competency_id", flat=True))
    levels = latest_levels([employee.pk])
    done: set[bool] = set()  # one technical and one national competency
    for comp_id, required, technical in (
        Requirement.objects.filter(position_id=employee.position_id)
        .order_by("competency__code")
        .values_list("competency_id", "required_level", "competency__agency_id")
    ):
        current = levels.get((employee.pk, comp_id), (None, None))[0]
        if comp_id in taken or (current or 0) >= 5 or (technical is not None) in done:
            continue
        done.add(technical is not None)
        target = max(required, current + 1) if current is not None else max(required, 2)
        need_propose(
            actor=pegawai,
            employee=employee,
            competency=comp_id,
            target_level=min(5, target),
            note="Ingin memperdalam kompetensi ini untuk mendukung tugas tahun ini.",
            akpk=akpk,
            priority=4,
        )
        if len(done) == PEGAWAI_PROPOSALS:
            break
    return len(done)


def _atasan_reviews(atasan: User, akpk: Akpk, rng: np.random.Generator, keep: int | None) -> tuple[int, int]:
    """The demo atasan decides the proposed needs of their direct subordinates: approves most, rejects a few
    (never those of the demo pegawai, whose IDP the demo shows)."""
    if atasan.employee_id is None:
        return 0, 0
    needs = list(
        Need.objects.filter(akpk=akpk, status=NeedStatus.PROPOSED, employee__supervisor_id=atasan.employee_id).order_by(
            "employee_id", "competency_id", "source"
        )
    )
    approved = rejected = 0
    for need in needs:
        reject = need.employee_id != keep and rng.random() < 0.1
        need_review(actor=atasan, need=need, approve=not reject, reason=REJECT_REASON if reject else "")
        approved, rejected = approved + (not reject), rejected + reject
    return approved, rejected


def _budget(agency: Agency, year: int) -> int:
    """A fortieth of sending every pegawai to one classical offering (median cost), in whole millions: tight
    enough that the budget binds and the curve shows what more money buys (most demo needs are one level,
    closed by free on-the-job offerings)."""
    classical = [k for k, v in FORM_KIND.items() if v == CLASSICAL]
    costs = list(
        Offering.objects.filter(Q(agency__isnull=True) | Q(agency=agency), form_id__in=classical, active=True)
        .filter(Q(start_date__isnull=True) | Q(start_date__year=year))
        .values_list("cost_per_participant", flat=True)
    )
    n = Employee.objects.filter(agency=agency).count()
    median = int(statistics.median(costs)) if costs else 5_000_000
    return max(1, round(n * median / 40 / 1_000_000)) * 1_000_000


@transaction.atomic
def seed_planning(
    *,
    agency: Agency,
    admin: User,
    national_admin: User,
    pegawai: User | None = None,
    atasan: User | None = None,
    seed: int = 2026,
    today: dt.date | None = None,
    write: Callable[[str], Any] = print,
) -> PlanningSeedResult:
    """Catalogue, AKPK of the year (gathered, reviewed, approved) and an adopted plan; all or nothing."""
    today = today or timezone.localdate()
    year = today.year
    rng = np.random.default_rng(seed)
    out = PlanningSeedResult()
    t0 = time.perf_counter()
    if DevelopmentForm.objects.filter(pk__in=list(FORM_KIND)).count() != len(FORM_KIND):
        write("      Bentuk pengembangan SIASN belum lengkap: perencanaan demo dilewati.")
        return out
    out.offerings = seed_catalogue(national_admin=national_admin, year=year, rng=rng)
    write(f"      Katalog: {out.offerings} penawaran baru ({Offering.objects.count()} seluruhnya)")
    if Akpk.objects.filter(agency=agency, year=year).exists():
        write(f"      AKPK {year} {agency.code} sudah ada: AKPK dan rencana dilewati.")
        return out
    akpk = akpk_create(actor=admin, agency=agency, year=year)
    gathered = needs_gather(actor=admin, akpk=akpk)
    proposed = _propose_for_pegawai(pegawai, akpk) if pegawai is not None else 0
    keep = pegawai.employee_id if pegawai is not None else None
    by_atasan, rejected = _atasan_reviews(atasan, akpk, rng, keep) if atasan is not None else (0, 0)
    akpk = akpk_approve(actor=admin, akpk=akpk, approve_pending=True)
    out.akpk = akpk
    out.needs = Need.objects.filter(akpk=akpk, status=NeedStatus.APPROVED).count()
    write(
        f"      AKPK {year} {agency.code}: {gathered.created} kebutuhan dihimpun, {proposed} usulan pegawai, "
        f"{by_atasan} disetujui dan {rejected} ditolak atasan; disetujui admin ({out.needs} kebutuhan)"
    )
    budget = _budget(agency, year)
    settings = plan_services.RunSettings(budget=budget, jp_cap=PLAN_JP_CAP, time_limit=PLAN_TIME_LIMIT)
    # The job body runs here and now: a background thread or Celery worker would start only after this
    # transaction commits, and the adoption below needs the finished run.
    run = plan_services.plan_run_start(actor=admin, akpk=akpk, data=settings, in_process=True)
    run.refresh_from_db()
    if not run.is_finished:
        message = run.job.message if run.job is not None else ""
        raise RuntimeError(f"Rencana demo gagal dihitung: {message}")
    run = plan_services.plan_adopt(actor=admin, run=run)
    out.run = run
    out.items = PlanItem.objects.filter(run=run).count()
    write(
        f"      Rencana: anggaran {_rupiah(budget)}, biaya {_rupiah(run.cost or 0)}, {out.items} butir IDP "
        f"ditetapkan ({time.perf_counter() - t0:.1f} s)"
    )
    return out
