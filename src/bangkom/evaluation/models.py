"""Yearly performance ratings (PermenPANRB 6/2022) as CONTRACT.md imports them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from bangkom.org.models import Employee


class Rating(models.TextChoices):
    DI_ATAS = "di_atas", _("Di atas ekspektasi")
    SESUAI = "sesuai", _("Sesuai ekspektasi")
    DI_BAWAH = "di_bawah", _("Di bawah ekspektasi")


class PerformanceRating(models.Model):
    # Indexed through the leading column of the unique constraint below; no separate index.
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        related_name="performance_ratings",
        db_index=False,
        verbose_name=_("pegawai"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    hasil_kerja = models.CharField(_("hasil kerja"), max_length=8, choices=Rating.choices)
    perilaku_kerja = models.CharField(_("perilaku kerja"), max_length=8, choices=Rating.choices)

    class Meta:
        verbose_name = _("penilaian kinerja")
        verbose_name_plural = _("penilaian kinerja")
        ordering = ["employee_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="performance_unique"),
            models.CheckConstraint(
                condition=models.Q(hasil_kerja__in=Rating.values), name="performance_hasil_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(perilaku_kerja__in=Rating.values), name="performance_perilaku_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1950, year__lte=2200), name="performance_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}"


# --- Kirkpatrick evaluation of an offering (issue 7) -----------------------------------------------------------
# The questions are fixed so that results compare across offerings and years; the columns are named q1..q4 and
# s1..s4 and their wording lives in REACTION_QUESTIONS / BEHAVIOUR_STATEMENTS (translated at render time).

REACTION_QUESTIONS: tuple[tuple[str, Any], ...] = (
    ("q1", _("Materi relevan dengan pekerjaan saya.")),
    ("q2", _("Pengajar/fasilitator menguasai materi.")),
    ("q3", _("Metode dan sarana mendukung pembelajaran.")),
    ("q4", _("Secara keseluruhan saya puas dengan kegiatan ini.")),
)
BEHAVIOUR_STATEMENTS: tuple[tuple[str, Any], ...] = (
    ("s1", _("Menerapkan pengetahuan dari kegiatan dalam pekerjaan sehari-hari.")),
    ("s2", _("Kualitas hasil kerja meningkat sejak mengikuti kegiatan.")),
    ("s3", _("Berbagi pengetahuan dari kegiatan kepada rekan kerja.")),
    ("s4", _("Membutuhkan lebih sedikit arahan untuk tugas terkait.")),
)
LIKERT_MIN, LIKERT_MAX = 1, 5
SCORE_MIN, SCORE_MAX = 0, 100


def _likert_checks(prefix: str, names: tuple[str, ...]) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{n}__gte": LIKERT_MIN, f"{n}__lte": LIKERT_MAX}), name=f"{prefix}_{n}_range"
        )
        for n in names
    ]


class EvaluationParticipant(models.Model):
    """A pegawai who completed an offering, chosen by the admin instansi or the penyelenggara; level 2 on the row."""

    offering = models.ForeignKey(
        "planning.Offering",
        on_delete=models.CASCADE,
        related_name="evaluation_participants",
        db_index=False,  # leading column of the unique constraint
        verbose_name=_("penawaran"),
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("pegawai")
    )
    completed_on = models.DateField(_("tanggal selesai"))
    pre_score = models.PositiveSmallIntegerField(_("nilai pre-test"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("nilai post-test"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), db_default=Now())

    class Meta:
        verbose_name = _("peserta evaluasi")
        verbose_name_plural = _("peserta evaluasi")
        ordering = ["offering_id", "employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "employee"], name="evalparticipant_unique"),
            models.CheckConstraint(
                condition=models.Q(pre_score__isnull=True) | models.Q(pre_score__lte=SCORE_MAX),
                name="evalparticipant_pre_range",
            ),
            models.CheckConstraint(
                condition=models.Q(post_score__isnull=True) | models.Q(post_score__lte=SCORE_MAX),
                name="evalparticipant_post_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering_id} {self.employee_id}"


class ReactionResponse(models.Model):
    """Level 1, answered once by the participant (one-to-one: the database refuses a second answer)."""

    participant = models.OneToOneField(
        EvaluationParticipant, on_delete=models.CASCADE, related_name="reaction", verbose_name=_("peserta")
    )
    q1 = models.PositiveSmallIntegerField()
    q2 = models.PositiveSmallIntegerField()
    q3 = models.PositiveSmallIntegerField()
    q4 = models.PositiveSmallIntegerField()
    comment = models.TextField(_("komentar"), blank=True, default="")
    submitted_at = models.DateTimeField(_("dikirim"), db_default=Now())

    class Meta:
        verbose_name = _("jawaban survei reaksi")
        verbose_name_plural = _("jawaban survei reaksi")
        constraints = _likert_checks("reaction", ("q1", "q2", "q3", "q4"))

    def __str__(self) -> str:
        return f"L1 {self.participant_id}"


class BehaviourRating(models.Model):
    """Level 3, rated once by an atasan in the participant's supervisor chain."""

    participant = models.OneToOneField(
        EvaluationParticipant, on_delete=models.CASCADE, related_name="behaviour", verbose_name=_("peserta")
    )
    rater = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="behaviour_ratings_given", verbose_name=_("penilai")
    )
    s1 = models.PositiveSmallIntegerField()
    s2 = models.PositiveSmallIntegerField()
    s3 = models.PositiveSmallIntegerField()
    s4 = models.PositiveSmallIntegerField()
    comment = models.TextField(_("komentar"), blank=True, default="")
    rated_at = models.DateTimeField(_("dinilai"), db_default=Now())

    class Meta:
        verbose_name = _("penilaian perilaku")
        verbose_name_plural = _("penilaian perilaku")
        constraints = _likert_checks("behaviour", ("s1", "s2", "s3", "s4"))

    def __str__(self) -> str:
        return f"L3 {self.participant_id}"
