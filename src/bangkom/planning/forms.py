"""Forms of the AKPK needs and catalogue pages: they parse what the browser sends.

The rules (levels 1-5, target above the current level, JP and cost not negative, dates in order, who may act)
live in planning.services, so most fields here are lenient text fields: the service reports every problem per
field in the active language and the view puts its messages back on the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bangkom.engine.textnum import plain_int
from bangkom.learning.forms import DATE_WIDGET, FormChoiceField
from bangkom.learning.models import DevelopmentForm
from bangkom.org.models import PositionKind
from bangkom.planning.models import Modality, Offering
from bangkom.planning.services import OfferingData, RecordInvalid

LEVEL_CHOICES = [("", "—"), *((str(i), str(i)) for i in range(1, 6))]
PRIORITY_CHOICES = [
    ("1", _("1 (rendah)")),
    ("2", "2"),
    ("3", _("3 (sedang)")),
    ("4", "4"),
    ("5", _("5 (tinggi)")),
]
INCREASE_CHOICES = [("", "—"), *((str(i), f"+{i}") for i in range(1, 5))]
NATIONAL = "nasional"


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


def apply_errors(form: forms.Form, exc: RecordInvalid) -> None:
    """Put a service's per-field messages on the form (unknown keys become form-wide errors)."""
    for key, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(key if key in form.fields else None, m)


class NeedProposeForm(forms.Form):
    employee = forms.ChoiceField(label=_("Pegawai"))
    competency = forms.ChoiceField(label=_("Kompetensi"))
    target_level = forms.CharField(
        label=_("Level sasaran"),
        required=False,
        widget=forms.Select(choices=LEVEL_CHOICES),
        help_text=_("Harus di atas level hasil penilaian terakhir."),
    )
    priority = forms.CharField(
        label=_("Prioritas"), required=False, initial="3", widget=forms.Select(choices=PRIORITY_CHOICES)
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mengapa kompetensi ini perlu dikembangkan (paling banyak 2000 karakter)."),
    )

    def __init__(
        self,
        *args: Any,
        employees: Sequence[tuple[int, str]],
        competencies: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "employee", [(str(pk), label) for pk, label in employees])
        _set_choices(self, "competency", [("", _("— pilih —")), *((str(pk), label) for pk, label in competencies)])


class NeedReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[("approve", _("Setujui")), ("reject", _("Tolak"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Alasan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib diisi bila menolak."),
    )


class OfferingForm(forms.Form):
    agency = forms.ChoiceField(label=_("Pemilik"), help_text=_("Katalog nasional atau katalog instansi."))
    form = FormChoiceField(DevelopmentForm.objects.all(), label=_("Bentuk pengembangan"), empty_label=_("— pilih —"))
    title = forms.CharField(label=_("Judul"), required=False, max_length=500)
    provider = forms.CharField(label=_("Penyelenggara"), required=False, max_length=255)
    jp = forms.CharField(label=_("JP"), required=False, help_text=_("1 JP = 45 menit."))
    cost_per_participant = forms.CharField(label=_("Biaya per peserta (Rp)"), required=False, initial="0")
    seats = forms.CharField(label=_("Kuota peserta"), required=False, help_text=_("Kosong: tak terbatas."))
    modality = forms.ChoiceField(label=_("Moda"), choices=Modality.choices, initial=Modality.OFFLINE)
    location = forms.CharField(label=_("Lokasi"), required=False, max_length=255)
    start_date = forms.DateField(label=_("Tanggal mulai"), required=False, widget=DATE_WIDGET)
    end_date = forms.DateField(
        label=_("Tanggal selesai"), required=False, widget=DATE_WIDGET, help_text=_("Kosongkan keduanya bila mandiri.")
    )
    eligible_position_kinds = forms.MultipleChoiceField(
        label=_("Jenis jabatan sasaran"),
        choices=PositionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tidak dicentang: semua jenis jabatan."),
    )
    min_level = forms.CharField(
        label=_("Level minimal peserta"), required=False, widget=forms.Select(choices=LEVEL_CHOICES)
    )
    active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args: Any, owners: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "agency", list(owners))

    def offering_data(self, competencies: list[tuple[str, int]], agencies: dict[str, Any]) -> OfferingData:
        d = self.cleaned_data
        return OfferingData(
            form=d.get("form"),
            title=d.get("title") or "",
            provider=d.get("provider") or "",
            jp=d.get("jp"),
            cost_per_participant=d.get("cost_per_participant") or 0,
            modality=d.get("modality") or "",
            agency=agencies.get(d.get("agency") or ""),
            seats=d.get("seats"),
            start_date=d.get("start_date"),
            end_date=d.get("end_date"),
            location=d.get("location") or "",
            eligible_position_kinds=list(d.get("eligible_position_kinds") or []),
            min_level=d.get("min_level"),
            active=bool(d.get("active")),
            competencies=list(competencies),
        )


def offering_initial(offering: Offering) -> dict[str, Any]:
    return {
        "agency": str(offering.agency_id) if offering.agency_id else NATIONAL,
        "form": offering.form_id,
        "title": offering.title,
        "provider": offering.provider,
        "jp": f"{offering.jp:f}".rstrip("0").rstrip(".") if offering.jp is not None else "",
        "cost_per_participant": str(offering.cost_per_participant),
        "seats": "" if offering.seats is None else str(offering.seats),
        "modality": offering.modality,
        "location": offering.location,
        "start_date": offering.start_date,
        "end_date": offering.end_date,
        "eligible_position_kinds": list(offering.eligible_position_kinds or []),
        "min_level": "" if offering.min_level is None else str(offering.min_level),
        "active": offering.active,
    }


class OfferingCompetencyForm(forms.Form):
    competency = forms.ChoiceField(label=_("Kompetensi"), required=False)
    level_increase = forms.CharField(
        label=_("Kenaikan level"), required=False, widget=forms.Select(choices=INCREASE_CHOICES)
    )

    def __init__(self, *args: Any, competencies: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "competency", [("", "—"), *((str(pk), label) for pk, label in competencies)])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("competency") and data.get("level_increase"):
            self.add_error("competency", _("Pilih kompetensi untuk kenaikan level ini."))
        if data.get("competency") and not data.get("level_increase"):
            self.add_error("level_increase", _("Pilih kenaikan level (1 sampai 4)."))
        return data


OfferingCompetencyFormSet = forms.formset_factory(OfferingCompetencyForm, extra=3, max_num=60, validate_max=True)


def competency_rows(formset: Any) -> list[tuple[str, int]]:
    """(competency id, level increase) of the filled rows; blank rows are skipped. An increase that is not a
    number becomes 0, which the service refuses with its own message."""
    return [
        (f.cleaned_data["competency"], plain_int(f.cleaned_data["level_increase"]) or 0)
        for f in formset.forms
        if f.cleaned_data.get("competency")
    ]
