"""The authoring and confirmation forms. They only turn the browser's text into values: the rules (lengths, JP,
choices, what may be published) live in services, whose messages the views attach to these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bangkom.microlearning.services import RecordInvalid
from bangkom.web.forms import MultipleFileInput


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Judul"), required=False, max_length=500)
    summary = forms.CharField(label=_("Ringkasan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    jp = forms.CharField(
        label=_("JP"),
        required=False,
        help_text=_("Kosongkan untuk 3 JP (e-learning: 3 JP per modul kecuali modul menyebut JP-nya)."),
    )
    competency = forms.TypedChoiceField(label=_("Kompetensi"), required=False, coerce=int, empty_value=None)
    task = forms.CharField(
        label=_("Tugas praktik"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Apa yang dikerjakan pegawai di tempat kerja setelah membaca modul."),
    )
    reflection_prompt = forms.CharField(
        label=_("Pertanyaan refleksi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Refleksi pegawai dikonfirmasi oleh atasan langsung sebelum JP dicatat."),
    )

    def __init__(
        self,
        *args: Any,
        competencies: list[tuple[int, str]] | None = None,
        agencies: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if agencies and len(agencies) > 1:  # an admin of several instansi says which one the module is for
            self.fields = {
                "agency": forms.TypedChoiceField(label=_("Instansi"), choices=agencies, coerce=int),
                **self.fields,
            }
        self.fields["competency"].choices = [("", _("(tanpa kompetensi)")), *(competencies or [])]  # type: ignore[attr-defined]


class PageForm(forms.Form):
    title = forms.CharField(label=_("Judul halaman"), required=False, max_length=500)
    body = forms.CharField(
        label=_("Isi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paragraf biasa; pisahkan paragraf dengan baris kosong."),
    )
    order = forms.CharField(label=_("Urutan"), required=False, help_text=_("Kosongkan untuk menaruh di akhir."))
    image = forms.ImageField(
        label=_("Gambar (opsional)"), required=False, help_text=_("PNG, JPG, GIF atau WebP, paling besar 512 KB.")
    )
    clear_image = forms.BooleanField(label=_("Hapus gambar"), required=False)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Pertanyaan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    choices = forms.CharField(
        label=_("Pilihan jawaban"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Satu pilihan per baris, 2 sampai 6 pilihan."),
    )
    correct = forms.CharField(
        label=_("Nomor jawaban benar"), required=False, help_text=_("Misalnya 1 untuk baris pertama.")
    )
    explanation = forms.CharField(label=_("Pembahasan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.CharField(label=_("Urutan"), required=False, help_text=_("Kosongkan untuk menaruh di akhir."))

    def choice_list(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("choices") or "").splitlines() if line.strip()]

    def correct_index(self) -> Any:
        raw = (self.cleaned_data.get("correct") or "").strip()
        return int(raw) - 1 if raw.isdecimal() and len(raw) <= 9 else raw  # "²" is a digit int() refuses


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Alasan dikembalikan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ResultsForm(forms.Form):
    files = forms.FileField(  # type: ignore[assignment]  # a field named like BaseForm.files
        label=_("Berkas hasil"),
        widget=MultipleFileInput(attrs={"accept": ".json,application/json"}),
        help_text=_("Berkas .json yang diunduh pegawai dari paket modul; boleh beberapa berkas sekaligus."),
    )

    def file_list(self, raw: Any) -> list[UploadedFile]:
        return list(raw.getlist("files"))


def attach(form: forms.Form, exc: RecordInvalid) -> None:
    """Show a service's messages on the form's fields (the rest above the form)."""
    for key, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(key if key in form.fields else None, m)
