"""Demo coaching and mentoring: one running coaching programme with sessions, one mentoring proposal to review.

Why through the services (programme_save, participants_set, matching_propose, pairing_set, programme_publish,
session_save, session_confirm) and never straight into the tables: the demo then shows what the rules produce,
with the audit trail and the learning records a real instansi would have. Deterministic: the same seed and date
give the same participants, pairs and sessions.

What a visitor then sees, in the first instansi:
- "Coaching kinerja pimpinan": started about three months ago, ends about three months ahead, two sessions a
  month, mentors from any unit, the direct atasan allowed. Mentees are the pegawai with the largest SKJ gaps
  (the demo pegawai among them), mentors senior pegawai with many high assessed levels (the demo atasan among
  them). The matching proposal is run, the demo pegawai is coached by the demo atasan, and the programme is
  published. The demo atasan's pairs have past sessions with GROW notes: most confirmed (verified learning
  records of form 14, JP credited), one held and waiting for the demo atasan to confirm, and the demo
  pegawai's pair has not met for over a month, so both demo accounts see the overdue reminder on their home
  page. Sessions need the people of the pair to act, so only pairs with a demo account have sessions.
- "Mentoring lintas unit kerja": mentors from another unit, the direct atasan not allowed; the matching
  proposal is left for the demo admin instansi to review and publish.

Idempotent: an instansi that already has a programme is left as it is.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from bangkom.accounts.models import User
from bangkom.competency.loading import load_mapping
from bangkom.competency.selectors import latest_levels
from bangkom.engine.nip import NipError, parse_nip
from bangkom.learning.models import DevelopmentForm
from bangkom.mentoring.models import (
    COACHING_FORM_ID,
    MENTORING_FORM_ID,
    Pairing,
    PairingStatus,
    Programme,
    ProgrammeKind,
    Session,
    UnitRule,
)
from bangkom.mentoring.proposal import matching_propose
from bangkom.mentoring.services import (
    ProgrammeData,
    SessionData,
    pairing_end,
    pairing_set,
    participants_set,
    programme_publish,
    programme_save,
    session_confirm,
    session_save,
)
from bangkom.org.models import Agency, Employee

COACHING_NAME = "Coaching kinerja pimpinan"
MENTORING_NAME = "Mentoring lintas unit kerja"
COACHING_GOAL = (
    "Mendampingi pegawai dengan kesenjangan kompetensi terbesar agar mampu menetapkan sasaran kinerja, "
    "mengelola prioritas dan memimpin pekerjaan timnya; setiap pasangan bertemu dua kali sebulan dengan "
    "pendekatan GROW."
)
MENTORING_GOAL = (
    "Mempertemukan pegawai dengan mentor senior dari unit kerja lain untuk berbagi pengalaman teknis dan "
    "memperluas jejaring kerja lintas unit."
)
PERIOD_BEFORE = 90  # days the programmes have been running
PERIOD_AFTER = 90  # days still to go
MENTOR_MIN_LEVEL = 3  # levels 4-5 are rare in the demo data; 3 gives every mentee a choice of mentors
STRONG_LEVEL = 4  # a mentor's strength: competencies assessed at this level or higher
COACHING_MENTEES, COACHING_MENTORS = 12, 5
MENTORING_MENTEES, MENTORING_MENTORS = 10, 5
ATASAN_CAPACITY = 3
ATASAN_MIN_PAIRS = 3
OVERDUE_DAYS = 30  # the demo pegawai's pair last met this long ago (the reminder shows after 30 // 2 + 7 days)
WAITING_DAYS = 4  # the session waiting for the demo atasan's confirmation was held this long ago
MIN_MENTEES, MIN_MENTORS = 3, 2
MIN_SPACING = 12  # days between two sessions of a pair


@dataclass(frozen=True)
class SessionText:
    topic: str
    goal: str
    reality: str
    options: str
    will: str
    reflection: str
    mentor_notes: str


SESSIONS: tuple[SessionText, ...] = (
    SessionText(
        topic="Menetapkan sasaran kinerja triwulan",
        goal="Menyusun tiga sasaran kinerja triwulan ini yang terukur dan selaras dengan rencana kerja unit.",
        reality="Sasaran kinerja pegawai masih berupa daftar kegiatan; belum ada indikator dan target waktu.",
        options="Memakai kaidah SMART; menurunkan sasaran dari IKU unit; meminta masukan rekan satu tim.",
        will="Merumuskan ulang tiga sasaran dengan indikator dan target, dibahas pada sesi berikutnya.",
        reflection="Saya baru sadar sasaran saya selama ini hanya kegiatan. Indikatornya sekarang lebih jelas.",
        mentor_notes="Sasaran sudah lebih tajam; target waktu sasaran kedua masih perlu dipertegas.",
    ),
    SessionText(
        topic="Mengelola prioritas dan beban kerja",
        goal="Mengurangi pekerjaan mendesak yang menumpuk menjelang tenggat laporan bulanan.",
        reality="Banyak permintaan data mendadak; laporan bulanan sering diselesaikan pada hari terakhir.",
        options="Matriks prioritas penting-mendesak; blok waktu khusus di pagi hari; mendelegasikan rekap data.",
        will="Mencoba blok waktu dua jam setiap pagi selama dua minggu dan mencatat hasilnya.",
        reflection="Blok waktu pagi membantu, tetapi saya masih sulit menolak permintaan mendadak.",
        mentor_notes="Ada kemajuan; sesi berikutnya membahas cara menegosiasikan tenggat dengan pemohon data.",
    ),
    SessionText(
        topic="Memberi umpan balik kepada anggota tim",
        goal="Mampu memberi umpan balik yang membangun kepada dua staf yang kinerjanya menurun.",
        reality="Umpan balik selama ini ditunda dan disampaikan secara umum dalam rapat tim.",
        options="Model SBI (situasi, perilaku, dampak); percakapan empat mata; menyepakati rencana perbaikan.",
        will="Melakukan satu percakapan umpan balik dengan model SBI minggu ini dan menuliskan refleksinya.",
        reflection="Percakapannya lebih lancar dari dugaan saya; staf menerima dan menyepakati langkah perbaikan.",
        mentor_notes="Pegawai menyiapkan percakapan dengan baik; perlu latihan mendengarkan tanpa menyela.",
    ),
    SessionText(
        topic="Memimpin rapat koordinasi yang efektif",
        goal="Rapat koordinasi mingguan selesai tepat waktu dengan keputusan dan penanggung jawab yang jelas.",
        reality="Rapat sering molor lebih dari satu jam dan tindak lanjutnya tidak tercatat.",
        options="Agenda dikirim sehari sebelumnya; batas waktu per topik; notulen berisi keputusan dan PIC.",
        will="Menyiapkan templat agenda dan notulen, dipakai pada dua rapat berikutnya.",
        reflection="Dengan agenda tertulis rapat selesai 45 menit. Notulen membuat tindak lanjut lebih mudah dipantau.",
        mentor_notes="Templat sudah dipakai; dorong agar keputusan rapat juga dibagikan ke unit terkait.",
    ),
    SessionText(
        topic="Menyusun rencana pengembangan diri",
        goal="Memiliki rencana pengembangan diri satu tahun yang terhubung dengan kesenjangan kompetensi.",
        reality="Hasil pemetaan menunjukkan kesenjangan pada kompetensi manajerial; belum ada rencana belajar.",
        options="Pelatihan klasikal; belajar mandiri dari ASN Unggul; penugasan khusus; bimbingan di tempat kerja.",
        will="Memilih dua kegiatan pengembangan dan mengusulkannya dalam IDP tahun ini.",
        reflection="Saya memilih belajar mandiri dan penugasan sebagai ketua tim kecil. Lebih realistis bagi saya.",
        mentor_notes="Rencana realistis; pastikan penugasan ketua tim disetujui atasan langsung.",
    ),
    SessionText(
        topic="Mengambil keputusan berbasis data",
        goal="Menggunakan data layanan untuk mengusulkan perbaikan proses pada unit kerja.",
        reality="Data layanan tersedia di aplikasi, tetapi jarang diolah; usulan perbaikan berdasarkan keluhan lisan.",
        options="Rekap sederhana per bulan; membandingkan waktu layanan antarloket; berdiskusi dengan pengelola data.",
        will="Membuat rekap waktu layanan tiga bulan terakhir dan menyiapkan satu usulan perbaikan.",
        reflection="Rekapnya menunjukkan antrean terpanjang pada hari Senin; usulan saya menambah petugas hari itu.",
        mentor_notes="Analisis sederhana namun tepat sasaran; usulan layak dibawa ke rapat pimpinan.",
    ),
    SessionText(
        topic="Evaluasi kemajuan dan tindak lanjut",
        goal="Meninjau kemajuan sejak awal program dan menetapkan fokus bulan berikutnya.",
        reality="Dua dari tiga sasaran berjalan; sasaran pengelolaan waktu masih naik turun.",
        options="Melanjutkan blok waktu; meminta rekan mengingatkan; mengurangi rapat yang tidak perlu.",
        will="Fokus pada pengelolaan waktu dan melaporkan hasilnya pada sesi berikutnya.",
        reflection="Melihat kemajuan secara tertulis membuat saya lebih percaya diri.",
        mentor_notes="Kemajuan konsisten; pertahankan catatan mingguan.",
    ),
)


@dataclass
class MentoringSeedResult:
    programmes: list[Programme]
    active_pairs: int = 0
    proposed_pairs: int = 0
    sessions: int = 0
    confirmed: int = 0
    jp: Decimal = Decimal(0)


def _seniority(nip: str, year: int) -> int:
    try:
        return max(0, year - parse_nip(nip).appointed_year)
    except NipError:
        return 0


def _gap_ranking(agency: Agency, exclude: set[int]) -> list[int]:
    """Pegawai by their total SKJ gap, largest first (a competency never assessed counts as one level)."""
    data = load_mapping(agency_ids=[agency.pk])
    if data.n_employees == 0:
        return []
    assessed = data.line_assessed.astype(np.int64)
    gap = np.where(assessed > 0, data.line_required.astype(np.int64) - assessed, 1).clip(min=0)
    total = np.bincount(data.line_employee.astype(np.int64), weights=gap, minlength=data.n_employees)
    order = sorted(range(data.n_employees), key=lambda i: (-total[i], data.nips[i]))
    return [int(data.employee_ids[i]) for i in order if total[i] > 0 and int(data.employee_ids[i]) not in exclude]


def _mentor_ranking(agency: Agency, year: int, exclude: set[int]) -> list[int]:
    """Senior pegawai by the number of competencies assessed at a high level, then by years of service."""
    staff = list(Employee.objects.filter(agency=agency).order_by("nip").values_list("pk", "nip"))
    strong: dict[int, int] = {}
    for (emp, _comp), (level, _on) in latest_levels([pk for pk, _nip in staff]).items():
        if level >= STRONG_LEVEL:
            strong[emp] = strong.get(emp, 0) + 1
    ranked = sorted(staff, key=lambda r: (-strong.get(r[0], 0), -_seniority(r[1], year), r[1]))
    return [pk for pk, _nip in ranked if strong.get(pk, 0) > 0 and pk not in exclude]


def _capacities(mentors: Sequence[int], rng: np.random.Generator) -> dict[int, int]:
    return {m: int(rng.integers(2, 5)) for m in mentors}


def _period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=PERIOD_BEFORE), today + dt.timedelta(days=PERIOD_AFTER)


def _make_programme(admin: User, agency: Agency, today: dt.date, *, coaching: bool) -> Programme:
    start, end = _period(today)
    data = ProgrammeData(
        kind=ProgrammeKind.COACHING if coaching else ProgrammeKind.MENTORING,
        name=COACHING_NAME if coaching else MENTORING_NAME,
        goal=COACHING_GOAL if coaching else MENTORING_GOAL,
        start_date=start,
        end_date=end,
        sessions_per_month=2,
        unit_rule=UnitRule.ANY if coaching else UnitRule.ACROSS,
        allow_direct_atasan=coaching,
        mentor_min_level=MENTOR_MIN_LEVEL,
    )
    return programme_save(actor=admin, agency=agency, data=data)


def _open_pairs(programme: Programme) -> list[Pairing]:
    return list(
        Pairing.objects.filter(programme=programme)
        .exclude(status=PairingStatus.ENDED)
        .select_related("programme", "mentee", "mentor")
        .order_by("mentor_id", "mentee_id")
    )


def _pair_demo_accounts(
    admin: User, programme: Programme, pegawai: Employee | None, atasan: Employee | None, mentees: list[int]
) -> None:
    """The demo pegawai is coached by the demo atasan, who has at least ATASAN_MIN_PAIRS mentees: the admin
    edits the proposal as the pairs page allows (a pair without sessions may change mentor)."""
    if atasan is None:
        return
    pairs = _open_pairs(programme)
    current = next((p for p in pairs if pegawai is not None and p.mentee_id == pegawai.pk), None)
    if pegawai is not None and (current is None or current.mentor_id != atasan.pk):
        load = [p for p in pairs if p.mentor_id == atasan.pk]
        if len(load) >= ATASAN_CAPACITY:  # make room: the atasan's last proposed mentee goes back to the pool
            pairing_end(actor=admin, pairing=load[-1])
        pairing_set(actor=admin, programme=programme, mentee=pegawai, mentor=atasan)
        pairs = _open_pairs(programme)
    load_n = sum(p.mentor_id == atasan.pk for p in pairs)
    paired = {p.mentee_id for p in pairs}
    per_mentor: dict[int, int] = {}
    for p in pairs:
        per_mentor[p.mentor_id] = per_mentor.get(p.mentor_id, 0) + 1
    # Unpaired mentees first, then mentees of mentors who keep at least one (their pair changes mentor).
    candidates: list[tuple[int, int | None]] = [(m, None) for m in mentees if m not in paired and m != atasan.pk]
    candidates += [(p.mentee_id, p.mentor_id) for p in pairs if p.mentor_id != atasan.pk]
    for mentee_id, mentor_id in candidates:
        if load_n >= ATASAN_MIN_PAIRS:
            break
        if mentor_id is not None:
            if per_mentor[mentor_id] <= 1:
                continue
            per_mentor[mentor_id] -= 1
        pairing_set(actor=admin, programme=programme, mentee=Employee.objects.get(pk=mentee_id), mentor=atasan)
        load_n += 1


def _session_dates(start: dt.date, last: dt.date, per_month: int, rng: np.random.Generator) -> list[dt.date]:
    """About `per_month` meetings a month from the programme start, the last one on `last`; never more than
    `per_month` in a calendar month (more would be credited 0 JP under the form's monthly cap)."""
    days, day = [], start + dt.timedelta(days=int(rng.integers(3, 8)))
    while day <= last - dt.timedelta(days=MIN_SPACING):
        days.append(day)
        day += dt.timedelta(days=int(rng.integers(MIN_SPACING, 18)))
    out = [last]
    for day in reversed(days):
        if sum((d.year, d.month) == (day.year, day.month) for d in out) < per_month:
            out.append(day)
    return sorted(out)


def _log_sessions(
    pair: Pairing,
    *,
    mentor: User,
    mentee: User | None,
    dates: list[dt.date],
    confirm_last: bool,
    today: dt.date,
    rng: np.random.Generator,
    out: MentoringSeedResult,
) -> None:
    """Each side writes its own part: the mentee logs with a reflection (when they have an account), the mentor
    adds the notes, then confirms (all but the last session when `confirm_last` is False)."""
    offset = int(rng.integers(0, len(SESSIONS)))
    for k, day in enumerate(dates):
        text = SESSIONS[(offset + k) % len(SESSIONS)]
        data = SessionData(
            date=day,
            topic=text.topic,
            duration_minutes=int(rng.choice([45, 60, 60, 90])),
            goal=text.goal,
            reality=text.reality,
            options=text.options,
            will=text.will,
            reflection=text.reflection,
            mentor_notes=text.mentor_notes,
        )
        session: Session | None = None
        if mentee is not None:
            session = session_save(actor=mentee, pairing=pair, data=data, today=today)
        session = session_save(actor=mentor, pairing=pair, data=data, session=session, today=today)
        out.sessions += 1
        if k < len(dates) - 1 or confirm_last:
            done = session_confirm(actor=mentor, session=session, today=today)
            out.confirmed += 1
            out.jp += done.jp


@transaction.atomic
def seed_mentoring(
    *,
    agency: Agency,
    admin: User,
    pegawai: User | None = None,
    atasan: User | None = None,
    seed: int = 2026,
    today: dt.date | None = None,
    write: Callable[[str], Any] = print,
) -> MentoringSeedResult:
    """A published coaching programme with sessions and a mentoring proposal; all or nothing."""
    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    out = MentoringSeedResult(programmes=[])
    t0 = time.perf_counter()
    if Programme.objects.filter(agency=agency).exists():
        write(f"      Program coaching/mentoring {agency.code} sudah ada: dilewati.")
        return out
    if DevelopmentForm.objects.filter(pk__in=[COACHING_FORM_ID, MENTORING_FORM_ID]).count() != 2:
        write("      Bentuk pengembangan coaching/mentoring belum ada: program demo dilewati.")
        return out
    me = pegawai.employee if pegawai is not None and pegawai.employee_id is not None else None
    boss = atasan.employee if atasan is not None and atasan.employee_id is not None else None
    if me is not None and me.agency_id != agency.pk:
        me = None
    if boss is not None and boss.agency_id != agency.pk:
        boss = None
    demo = {e.pk for e in (me, boss) if e is not None}

    gaps = _gap_ranking(agency, exclude=demo)
    seniors = _mentor_ranking(agency, today.year, exclude=demo)
    coaching_mentors = seniors[: COACHING_MENTORS - (boss is not None)]
    taken = set(coaching_mentors)
    coaching_mentees = [e for e in gaps if e not in taken][: COACHING_MENTEES - (me is not None)]
    if me is not None:
        coaching_mentees.insert(0, me.pk)
    if boss is not None:
        coaching_mentors.insert(0, boss.pk)
    taken |= set(coaching_mentees) | demo
    mentoring_mentors = [e for e in seniors if e not in taken][:MENTORING_MENTORS]
    taken |= set(mentoring_mentors)
    mentoring_mentees = [e for e in gaps if e not in taken][:MENTORING_MENTEES]
    if len(coaching_mentees) < MIN_MENTEES or len(coaching_mentors) < MIN_MENTORS:
        write(f"      Pegawai {agency.code} terlalu sedikit untuk program coaching demo: dilewati.")
        return out

    # Coaching: participants, the proposal, the demo accounts paired, published.
    coaching = _make_programme(admin, agency, today, coaching=True)
    caps = _capacities(coaching_mentors, rng)
    if boss is not None:
        caps[boss.pk] = ATASAN_CAPACITY
    participants_set(actor=admin, programme=coaching, mentees=coaching_mentees, mentors=caps)
    proposal = matching_propose(actor=admin, programme=coaching, today=today)
    _pair_demo_accounts(admin, coaching, me, boss, coaching_mentees)
    out.active_pairs = programme_publish(actor=admin, programme=coaching)
    out.programmes.append(coaching)
    write(
        f"      {COACHING_NAME}: {len(coaching_mentees)} mentee, {len(caps)} mentor, {proposal.proposed} "
        f"pasangan diusulkan; diumumkan dengan {out.active_pairs} pasangan berjalan"
    )

    # Sessions of the demo atasan's pairs (the only mentor with an account): the demo pegawai's pair last met
    # OVERDUE_DAYS ago, another pair has a session waiting for confirmation, the rest are up to date.
    if atasan is not None and boss is not None:
        mine = [p for p in _open_pairs(coaching) if p.mentor_id == boss.pk]
        demo_pair = next((p for p in mine if me is not None and p.mentee_id == me.pk), None)
        others = sorted((p for p in mine if p is not demo_pair), key=lambda p: p.mentee.nip)
        for k, p in enumerate([*([demo_pair] if demo_pair else []), *others]):
            if p is demo_pair:
                last, waiting = today - dt.timedelta(days=OVERDUE_DAYS), not others
            elif k == (1 if demo_pair else 0):
                last, waiting = today - dt.timedelta(days=WAITING_DAYS), True
            else:
                last, waiting = today - dt.timedelta(days=int(rng.integers(2, 10))), False
            dates = _session_dates(coaching.start_date, last, coaching.sessions_per_month, rng)
            _log_sessions(
                p,
                mentor=atasan,
                mentee=pegawai if p is demo_pair else None,
                dates=dates,
                confirm_last=not waiting,
                today=today,
                rng=rng,
                out=out,
            )
        write(
            f"      Sesi coaching: {out.sessions} dicatat, {out.confirmed} dikonfirmasi mentor "
            f"({out.jp.normalize():f} JP dikreditkan)"
        )

    # Mentoring: participants and the proposal, left for the admin to review and publish.
    if len(mentoring_mentees) >= MIN_MENTEES and len(mentoring_mentors) >= MIN_MENTORS:
        mentoring = _make_programme(admin, agency, today, coaching=False)
        participants_set(
            actor=admin,
            programme=mentoring,
            mentees=mentoring_mentees,
            mentors=_capacities(mentoring_mentors, rng),
        )
        proposed = matching_propose(actor=admin, programme=mentoring, today=today)
        out.proposed_pairs = proposed.proposed
        out.programmes.append(mentoring)
        write(
            f"      {MENTORING_NAME}: {len(mentoring_mentees)} mentee, {len(mentoring_mentors)} mentor, "
            f"{proposed.proposed} pasangan diusulkan menunggu ditinjau admin ({time.perf_counter() - t0:.1f} s)"
        )
    return out
