from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangkom.interchange.importer import EXTENSIONS, KINDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]  # a field named like BaseForm.files
        label=gettext_lazy("Berkas"),
        help_text=gettext_lazy("CSV (koma atau titik koma) atau XLSX; boleh beberapa berkas sekaligus."),
    )

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        limit = settings.BANGKOM_IMPORT_MAX_UPLOAD_BYTES
        seen: set[str] = set()
        errors = []
        for f in files:
            name = f.name or ""
            stem, dot, ext = name.rpartition(".")
            if not dot or f".{ext.lower()}" not in EXTENSIONS:
                errors.append(_("%(name)s: hanya berkas .csv atau .xlsx yang diterima.") % {"name": name})
            elif stem.lower() not in KINDS:
                errors.append(
                    _("%(name)s: nama berkas harus salah satu dari: %(kinds)s.")
                    % {"name": name, "kinds": ", ".join(KINDS)}
                )
            elif stem.lower() in seen:
                errors.append(_("%(name)s: jenis berkas ini diunggah dua kali.") % {"name": name})
            if (f.size or 0) > limit:
                errors.append(
                    _("%(name)s: ukuran berkas melebihi batas %(limit)s.")
                    % {"name": name, "limit": filesizeformat(limit)}
                )
            seen.add(stem.lower())
        if errors:
            raise forms.ValidationError(errors)
        return files
