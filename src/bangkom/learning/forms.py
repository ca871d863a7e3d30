"""Forms parse what the browser sends; the rules (dates, JP, duplicates, evidence) live in learning.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bangkom.learning.models import DevelopmentForm, JpUnit
from bangkom.learning.services import RecordData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FormChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DevelopmentForm) -> str:
        return f"{obj.pk}. {obj.name}"


class RecordForm(forms.Form):
    form = FormChoiceField(
        DevelopmentForm.objects.all(),
        label=_("Bentuk pengembangan"),
        empty_label=_("— pilih —"),
        help_text=_("Jenis diklat SIASN. Cara menghitung JP tiap bentuk ada di tabel aturan JP di bawah."),
    )
    title = forms.CharField(label=_("Judul kegiatan"), max_length=500)
    provider = forms.CharField(label=_("Penyelenggara"), max_length=255)
    start_date = forms.DateField(label=_("Tanggal mulai"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Tanggal selesai"), widget=DATE_WIDGET)
    jp = forms.DecimalField(
        label=_("JP"),
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text=_("Untuk bentuk yang dihitung sesuai sertifikat (1 JP = 45 menit)."),
    )
    quantity = forms.DecimalField(
        label=_("Jumlah sesi/hari/kegiatan/modul"),
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text=_("Untuk bentuk yang JP-nya dihitung dari jumlah (misalnya coaching: jumlah sesi)."),
    )
    certificate_no = forms.CharField(label=_("Nomor sertifikat"), max_length=100, required=False)
    evidence = forms.FileField(
        label=_("Bukti (PDF atau gambar)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    planned = forms.BooleanField(
        label=_("Masih rencana (belum dilaksanakan)"),
        required=False,
        help_text=_("Rencana ikut dihitung dalam proyeksi akhir tahun, bukan dalam JP yang diakui."),
    )

    def record_data(self) -> RecordData:
        d = self.cleaned_data
        return RecordData(
            form=d["form"],
            title=d["title"],
            provider=d["provider"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            jp=d.get("jp"),
            quantity=d.get("quantity"),
            certificate_no=d.get("certificate_no") or "",
            planned=bool(d.get("planned")),
            evidence=d.get("evidence") or None,
        )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penolakan"), max_length=1000, widget=forms.TextInput())


class RuleForm(forms.Form):
    form_id = forms.IntegerField(widget=forms.HiddenInput())
    jp_unit = forms.ChoiceField(label=_("Satuan"), choices=JpUnit.choices)
    jp_per_unit = forms.DecimalField(label=_("JP per satuan"), required=False, max_digits=6, decimal_places=2)
    max_units_per_month = forms.IntegerField(label=_("Batas satuan per bulan"), required=False)
    max_jp_per_day = forms.DecimalField(label=_("Batas JP per hari"), required=False, max_digits=5, decimal_places=2)


RuleFormSet = forms.formset_factory(RuleForm, extra=0, max_num=25, validate_max=True)
