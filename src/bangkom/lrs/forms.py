from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bangkom.learning.models import DevelopmentForm


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Nama platform"), max_length=200, help_text=_("Misalnya nama LMS atau portal e-learning pengirim.")
    )


class CreditForm(forms.Form):
    activity_id = forms.CharField(
        label=_("IRI aktivitas"),
        max_length=1024,
        help_text=_(
            "Alamat (IRI) aktivitas sebagaimana dikirim platform, misalnya https://lms.example.go.id/kursus/12."
        ),
    )
    title = forms.CharField(label=_("Judul pada catatan pembelajaran"), max_length=255)
    jp = forms.CharField(
        label=_("JP"), max_length=10, help_text=_("JP yang diakui per penyelesaian, misalnya 3 atau 1,5.")
    )
    form_code = forms.TypedChoiceField(label=_("Bentuk pengembangan"), coerce=int, initial=16)
    provider = forms.CharField(label=_("Penyelenggara"), max_length=255, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["form_code"].choices = [  # type: ignore[attr-defined]
            (f.pk, f"{f.pk}. {f.name}") for f in DevelopmentForm.objects.order_by("pk")
        ]
