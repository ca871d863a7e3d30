"""Needs analysis (AKPK: Analisis Kebutuhan Pengembangan Kompetensi) and the catalogue of offerings.

One Akpk per instansi and year holds the needs (Need) of its pegawai. A need is one competency a pegawai
should develop, from one source; the optimiser (engine/planner.py) matches approved needs with catalogue
offerings (Offering, OfferingCompetency) within the budget.

Uniqueness of needs: (akpk, employee, competency, source). The same competency may be a need from several
sources (the current SKJ gap, the next jabatan, low performance, the pegawai's own proposal): each source is
its own row, so a re-gather can update the rows it owns without touching what people wrote, and each row keeps
its own review. Aggregates count distinct pegawai, never rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from bangkom.competency.models import Competency
from bangkom.learning.models import DevelopmentForm
from bangkom.org.models import Agency, Employee, PositionKind


class AkpkStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    IN_REVIEW = "in_review", _("Dalam penelaahan")
    APPROVED = "approved", _("Disetujui")


class Akpk(models.Model):
    """The yearly needs analysis of one instansi; approved, it is frozen (no gather, proposal or review)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="akpk", db_index=False, verbose_name=_("instansi")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(_("status"), max_length=10, choices=AkpkStatus.choices, default=AkpkStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())
    gathered_at = models.DateTimeField(_("kebutuhan dihimpun pada"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disetujui oleh"),
    )
    approved_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("AKPK")
        verbose_name_plural = _("AKPK")
        ordering = ["agency_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="akpk_agency_year_unique"),
            models.CheckConstraint(condition=models.Q(status__in=AkpkStatus.values), name="akpk_status_valid"),
            models.CheckConstraint(condition=models.Q(year__gte=1950, year__lte=2200), name="akpk_year_range"),
            models.CheckConstraint(
                condition=~models.Q(status=AkpkStatus.APPROVED) | models.Q(approved_at__isnull=False),
                name="akpk_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"AKPK {self.agency_id} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status != AkpkStatus.APPROVED


class NeedSource(models.TextChoices):
    GAP_CURRENT = "gap_current", _("Kesenjangan jabatan saat ini")
    GAP_NEXT = "gap_next", _("Kesenjangan jabatan berikutnya")
    PERFORMANCE = "performance", _("Kinerja di bawah ekspektasi")
    PEGAWAI = "pegawai", _("Usulan pegawai")
    ATASAN = "atasan", _("Usulan atasan")
    INSTANSI_PRIORITY = "instansi_priority", _("Prioritas instansi")


GATHERED_SOURCES: tuple[str, ...] = (
    NeedSource.GAP_CURRENT,
    NeedSource.GAP_NEXT,
    NeedSource.PERFORMANCE,
    NeedSource.INSTANSI_PRIORITY,
)
MANUAL_SOURCES: tuple[str, ...] = (NeedSource.PEGAWAI, NeedSource.ATASAN)


class NeedStatus(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    APPROVED_BY_ATASAN = "approved_by_atasan", _("Disetujui atasan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class Need(models.Model):
    """One competency a pegawai should raise to target_level, from one source (see the module docstring)."""

    akpk = models.ForeignKey(
        Akpk, on_delete=models.CASCADE, related_name="needs", db_index=False, verbose_name=_("AKPK")
    )
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="needs", verbose_name=_("pegawai"))
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="needs", verbose_name=_("kompetensi")
    )
    current_level = models.PositiveSmallIntegerField(_("level saat ini"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(_("level sasaran"))
    priority = models.PositiveSmallIntegerField(_("prioritas"), default=3, help_text=_("1 (rendah) sampai 5 (tinggi)."))
    source = models.CharField(_("sumber"), max_length=20, choices=NeedSource.choices)
    note = models.TextField(_("catatan"), blank=True, default="")
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diusulkan oleh"),
    )
    atasan_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditelaah atasan oleh"),
    )
    atasan_reviewed_at = models.DateTimeField(_("ditelaah atasan pada"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    reviewed_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    review_reason = models.TextField(_("alasan"), blank=True, default="")
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())
    updated_at = models.DateTimeField(_("diubah"), db_default=Now())

    class Meta:
        verbose_name = _("kebutuhan pengembangan")
        verbose_name_plural = _("kebutuhan pengembangan")
        ordering = ["akpk_id", "employee_id", "competency_id", "source"]
        constraints = [
            models.UniqueConstraint(fields=["akpk", "employee", "competency", "source"], name="need_unique"),
            models.CheckConstraint(
                condition=models.Q(target_level__gte=1, target_level__lte=5), name="need_target_level_range"
            ),
            models.CheckConstraint(
                condition=models.Q(current_level__isnull=True) | models.Q(current_level__gte=1, current_level__lte=5),
                name="need_current_level_range",
            ),
            models.CheckConstraint(
                condition=models.Q(current_level__isnull=True) | models.Q(current_level__lt=models.F("target_level")),
                name="need_target_above_current",
            ),
            models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=5), name="need_priority_range"),
            models.CheckConstraint(condition=models.Q(source__in=NeedSource.values), name="need_source_valid"),
            models.CheckConstraint(condition=models.Q(status__in=NeedStatus.values), name="need_status_valid"),
        ]
        indexes = [models.Index(fields=["akpk", "competency"], name="need_akpk_competency_idx")]

    def __str__(self) -> str:
        return f"{self.employee_id}/{self.competency_id} {self.current_level}->{self.target_level} ({self.source})"

    @property
    def gap(self) -> int | None:
        return None if self.current_level is None else self.target_level - self.current_level


class PriorityCompetency(models.Model):
    """A competency the instansi wants developed this year; weight 1 (low) to 5 (high)."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="priority_competencies",
        db_index=False,
        verbose_name=_("instansi"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="priorities", verbose_name=_("kompetensi")
    )
    weight = models.PositiveSmallIntegerField(_("bobot"), default=3, help_text=_("1 (rendah) sampai 5 (tinggi)."))

    class Meta:
        verbose_name = _("kompetensi prioritas instansi")
        verbose_name_plural = _("kompetensi prioritas instansi")
        ordering = ["agency_id", "-year", "competency_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "competency"], name="priority_competency_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=5), name="priority_weight_range"),
            models.CheckConstraint(condition=models.Q(year__gte=1950, year__lte=2200), name="priority_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.competency_id} ({self.weight})"


class Modality(models.TextChoices):
    ONLINE = "online", _("Daring")
    OFFLINE = "offline", _("Luring")
    BLENDED = "blended", _("Campuran")


class Offering(models.Model):
    """A development activity in the catalogue: national (no agency) or owned by one instansi.

    seats empty = unlimited (self-study, e-learning); dates empty = self-paced. eligible_position_kinds is a
    list of org.PositionKind values; empty = every kind. min_level is the lowest current level of the
    offering's competencies a participant should already have (empty = none).
    """

    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="offerings",
        verbose_name=_("instansi pemilik"),
        help_text=_("Kosong untuk katalog nasional."),
    )
    form = models.ForeignKey(
        DevelopmentForm, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("bentuk pengembangan")
    )
    title = models.CharField(_("judul"), max_length=500)
    provider = models.CharField(_("penyelenggara"), max_length=255)
    jp = models.DecimalField(_("JP"), max_digits=7, decimal_places=2)
    cost_per_participant = models.BigIntegerField(_("biaya per peserta (Rp)"), default=0)
    seats = models.PositiveIntegerField(_("kuota peserta"), null=True, blank=True, help_text=_("Kosong: tak terbatas."))
    start_date = models.DateField(_("tanggal mulai"), null=True, blank=True)
    end_date = models.DateField(_("tanggal selesai"), null=True, blank=True)
    modality = models.CharField(_("moda"), max_length=10, choices=Modality.choices)
    location = models.CharField(_("lokasi"), max_length=255, blank=True, default="")
    eligible_position_kinds = models.JSONField(_("jenis jabatan sasaran"), default=list, blank=True)
    min_level = models.PositiveSmallIntegerField(_("level minimal peserta"), null=True, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())
    updated_at = models.DateTimeField(_("diubah"), db_default=Now())

    class Meta:
        verbose_name = _("penawaran pengembangan")
        verbose_name_plural = _("penawaran pengembangan")
        ordering = ["agency_id", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(jp__gte=0), name="offering_jp_nonnegative"),
            models.CheckConstraint(condition=models.Q(cost_per_participant__gte=0), name="offering_cost_nonnegative"),
            models.CheckConstraint(condition=models.Q(modality__in=Modality.values), name="offering_modality_valid"),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="offering_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(min_level__isnull=True) | models.Q(min_level__gte=1, min_level__lte=5),
                name="offering_min_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.jp} JP)"


POSITION_KIND_VALUES: tuple[str, ...] = tuple(PositionKind.values)


class OfferingCompetency(models.Model):
    """A competency an offering develops, and by how many levels (1-4)."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="competencies", db_index=False, verbose_name=_("penawaran")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("kompetensi")
    )
    level_increase = models.PositiveSmallIntegerField(_("kenaikan level"), default=1)

    class Meta:
        verbose_name = _("kompetensi penawaran")
        verbose_name_plural = _("kompetensi penawaran")
        ordering = ["offering_id", "competency_id"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "competency"], name="offering_competency_unique"),
            models.CheckConstraint(
                condition=models.Q(level_increase__gte=1, level_increase__lte=4),
                name="offering_level_increase_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering_id}/{self.competency_id} +{self.level_increase}"


# --- development plans (engine/planner.py) and individual development plans (IDP) ------------------------


class PlanRun(models.Model):
    """One run of the optimiser over an AKPK's needs and the catalogue, with its parameters and its result.

    Parameters are kept as given (budget, JP cap per pegawai, which needs count, time limit), so a run can be
    read back and compared with another budget. The result: figures of the plan (objective, upper bound, gap,
    cost, JP per 70-20-10 category), counts per reason, and optionally the budget curve (points of the plan
    re-solved at other budgets). At most one run per AKPK is adopted: its items become the pegawai's IDP.
    """

    akpk = models.ForeignKey(Akpk, on_delete=models.CASCADE, related_name="plan_runs", verbose_name=_("AKPK"))
    budget = models.BigIntegerField(_("anggaran (Rp)"))
    jp_cap = models.DecimalField(
        _("JP maksimal per pegawai"),
        max_digits=6,
        decimal_places=2,
        default=40,
        help_text=_("Waktu belajar terbanyak yang boleh direncanakan bagi satu pegawai dalam setahun."),
    )
    include_pending = models.BooleanField(
        _("sertakan kebutuhan yang baru disetujui atasan"),
        default=False,
        help_text=_("Untuk simulasi sebelum admin instansi menyetujui semua kebutuhan."),
    )
    mix_penalty = models.FloatField(_("bobot komposisi 70-20-10"), default=0.1)
    time_limit = models.PositiveSmallIntegerField(_("batas waktu hitung (detik)"), default=10)
    with_curve = models.BooleanField(_("hitung kurva anggaran"), default=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("pekerjaan")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # Result (empty until the job finishes).
    objective = models.FloatField(_("nilai tujuan"), null=True, blank=True)
    bound = models.FloatField(_("batas atas"), null=True, blank=True)
    gap = models.FloatField(_("selisih optimalitas"), null=True, blank=True)
    value = models.FloatField(_("kesenjangan tertutup (berbobot)"), null=True, blank=True)
    value_total = models.FloatField(_("kesenjangan total (berbobot)"), null=True, blank=True)
    cost = models.BigIntegerField(_("biaya rencana (Rp)"), null=True, blank=True)
    method = models.CharField(_("metode"), max_length=50, blank=True, default="")
    seconds = models.FloatField(_("lama hitung (detik)"), null=True, blank=True)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    curve = models.JSONField(_("kurva anggaran"), default=list, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    adopted_at = models.DateTimeField(_("ditetapkan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("rencana pengembangan")
        verbose_name_plural = _("rencana pengembangan")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="planrun_budget_nonnegative"),
            models.CheckConstraint(condition=models.Q(jp_cap__gt=0), name="planrun_jp_cap_positive"),
            models.UniqueConstraint(
                fields=["akpk"], condition=models.Q(adopted_at__isnull=False), name="planrun_one_adopted_per_akpk"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.akpk} Rp{self.budget}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_adopted(self) -> bool:
        return self.adopted_at is not None


class PlanItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draf rencana")
    PROPOSED = "proposed", _("Menunggu persetujuan atasan")
    APPROVED = "approved", _("Disetujui atasan")
    REJECTED = "rejected", _("Ditolak atasan")


class PlanItem(models.Model):
    """One assignment of a plan: a pegawai takes an offering, closing the needs in `closes` (the reason).

    Once the run is adopted the item is part of the pegawai's IDP: proposed to the atasan, who approves or
    rejects it; when done it is linked to the learning record that reports it (done = that record verified).
    """

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("rencana"))
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="plan_items", verbose_name=_("pegawai")
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.PROTECT, related_name="plan_items", verbose_name=_("penawaran")
    )
    value = models.FloatField(_("nilai"), default=0)
    # [{"competency": id, "gap": levels, "closed": levels, "weight": w}], the needs this assignment closes.
    closes = models.JSONField(_("kebutuhan yang ditutup"), default=list)
    towards_minimum = models.DecimalField(_("JP menuju batas minimal"), max_digits=7, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=10, choices=PlanItemStatus.choices, default=PlanItemStatus.DRAFT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True, default="")
    record = models.ForeignKey(
        "learning.LearningRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
        verbose_name=_("catatan pembelajaran"),
    )

    class Meta:
        verbose_name = _("butir rencana pengembangan individu")
        verbose_name_plural = _("butir rencana pengembangan individu")
        ordering = ["run_id", "employee_id", "offering_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "employee", "offering"], name="planitem_unique"),
            models.CheckConstraint(condition=models.Q(status__in=PlanItemStatus.values), name="planitem_status_valid"),
        ]
        indexes = [models.Index(fields=["employee", "status"], name="planitem_employee_status_idx")]

    def __str__(self) -> str:
        return f"{self.employee_id} -> {self.offering_id}"


class PlanGapKind(models.TextChoices):
    NEED = "need", _("Kebutuhan belum tertutup")
    MINIMUM = "minimum", _("Belum mencapai JP minimal")


class PlanGap(models.Model):
    """What a plan leaves open, and why: a need not closed, or a pegawai left below the legal minimum JP.

    reason is a code of engine.planner.NEED_REASONS / MINIMUM_REASONS (the pages translate it).
    """

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="gaps", verbose_name=_("rencana"))
    kind = models.CharField(_("jenis"), max_length=10, choices=PlanGapKind.choices)
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("pegawai"))
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("kompetensi")
    )
    reason = models.CharField(_("alasan"), max_length=20)
    shortfall = models.DecimalField(_("kekurangan JP"), max_digits=7, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("celah rencana")
        verbose_name_plural = _("celah rencana")
        ordering = ["run_id", "kind", "employee_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=PlanGapKind.values), name="plangap_kind_valid"),
        ]
        indexes = [models.Index(fields=["run", "kind", "reason"], name="plangap_run_kind_reason_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.employee_id}:{self.reason}"
