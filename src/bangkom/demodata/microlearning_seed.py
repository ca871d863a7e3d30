"""Demo micro-learning: two published modules in the first instansi, and one module the demo pegawai has done.

Through the services (module_save, page_save, question_save, module_publish, apply_events), never straight into
the tables, so the demo shows what the rules produce, with the audit trail. What a visitor then sees:
- the demo admin instansi: two published modules under "Modul mikro", with the offline package to download;
- the demo pegawai: both modules in the /belajar/ app, the first one already submitted;
- the demo atasan: that submission waiting under "Refleksi modul", to confirm (JP credited) or return.

A handful of rows: fast. Idempotent: an instansi that already has a module is left as it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from bangkom.accounts.models import User
from bangkom.microlearning.models import Module
from bangkom.microlearning.services import (
    ModuleData,
    PageData,
    QuestionData,
    apply_events,
    module_publish,
    module_save,
    page_save,
    question_save,
)
from bangkom.org.models import Agency

MODULES: list[dict[str, Any]] = [
    {
        "title": "Menulis nota dinas yang ringkas",
        "summary": "Tata naskah dinas dalam praktik: struktur nota dinas dan cara menulisnya dengan singkat.",
        "task": "Tulis ulang satu nota dinas yang pernah Anda buat dengan struktur dari modul ini.",
        "reflection": "Apa yang berubah pada nota dinas Anda, dan apa yang akan Anda pertahankan?",
        "pages": [
            (
                "Mengapa ringkas",
                "Pimpinan membaca puluhan naskah sehari. Nota dinas yang ringkas lebih cepat diputuskan.\n\n"
                "Satu nota dinas, satu pokok persoalan.",
            ),
            (
                "Struktur",
                "Kepala: kepada, dari, tanggal, nomor, sifat, lampiran, hal.\n\n"
                "Isi: latar belakang singkat, pokok persoalan, saran atau permintaan keputusan.\n\n"
                "Penutup: kalimat penutup dan tanda tangan.",
            ),
        ],
        "questions": [
            ("Berapa pokok persoalan dalam satu nota dinas?", ["Satu", "Dua", "Sebanyak mungkin"], 0),
            ("Di bagian mana saran atau permintaan keputusan ditulis?", ["Kepala", "Isi", "Penutup"], 1),
        ],
    },
    {
        "title": "Nilai dasar BerAKHLAK dalam pelayanan",
        "summary": "Tujuh nilai dasar ASN dan contoh perilakunya di meja layanan.",
        "task": "Amati satu layanan di unit Anda selama sehari dan catat satu perilaku yang dapat diperbaiki.",
        "reflection": "Nilai mana yang paling menantang dalam pekerjaan Anda, dan apa langkah pertama Anda?",
        "pages": [
            (
                "Tujuh nilai",
                "Berorientasi pelayanan, Akuntabel, Kompeten, Harmonis, Loyal, Adaptif, Kolaboratif.",
            ),
            (
                "Di meja layanan",
                "Menyapa, memahami kebutuhan, menjelaskan syarat dengan jelas, menepati waktu layanan.\n\n"
                "Bila tidak dapat membantu, tunjukkan siapa yang dapat.",
            ),
        ],
        "questions": [
            ("Huruf K pertama dalam BerAKHLAK berarti ...", ["Kolaboratif", "Kompeten", "Konsisten"], 1),
            ("Pemohon datang tanpa syarat lengkap. Yang sesuai nilai dasar ...", ["Menolak", "Menjelaskan syarat"], 1),
        ],
    },
]


@dataclass
class MicrolearningSeedResult:
    modules: list[Module] = field(default_factory=list)
    submitted: int = 0


def _events(module: Module, start: dt.datetime) -> list[dict[str, Any]]:
    """The demo pegawai's work on one module, as their device would have sent it."""
    n = 0

    def ev(kind: str, **payload: Any) -> dict[str, Any]:
        nonlocal n
        n += 1
        at = (start + dt.timedelta(minutes=3 * n)).isoformat()
        eid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bangkom-demo/{module.pk}/{n}"))
        return {"id": eid, "module_id": module.pk, "kind": kind, "payload": payload, "at": at}

    out = [ev("page", page_id=p) for p in module.pages.order_by("order").values_list("pk", flat=True)]
    out += [
        ev("answer", question_id=q, choice=c)
        for q, c in module.questions.order_by("order").values_list("pk", "correct")
    ]
    out.append(ev("task", note="Nota dinas minggu lalu saya tulis ulang: dari dua halaman menjadi satu."))
    out.append(ev("reflection", text="Saya kini menulis pokok persoalan di kalimat pertama, lalu sarannya."))
    out.append(ev("submit"))
    return out


@transaction.atomic
def seed_microlearning(
    *,
    agency: Agency,
    admin: User,
    pegawai: User | None = None,
    today: dt.date | None = None,
    write: Callable[[str], Any] = print,
) -> MicrolearningSeedResult:
    out = MicrolearningSeedResult()
    if Module.objects.filter(agency=agency).exists():
        write(f"      Modul mikro {agency.code} sudah ada: dilewati.")
        return out
    for spec in MODULES:
        m = module_save(
            actor=admin,
            agency=agency,
            data=ModuleData(
                title=spec["title"], summary=spec["summary"], task=spec["task"], reflection_prompt=spec["reflection"]
            ),
        )
        for title, body in spec["pages"]:
            page_save(actor=admin, module=m, data=PageData(title=title, body=body))
        for text, choices, correct in spec["questions"]:
            question_save(actor=admin, module=m, data=QuestionData(text=text, choices=choices, correct=correct))
        out.modules.append(module_publish(actor=admin, module=m))
    me = pegawai.employee if pegawai is not None else None
    if pegawai is not None and me is not None and me.agency_id == agency.pk:
        day = (today or timezone.localdate()) - dt.timedelta(days=2)
        start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)
        result = apply_events(user=pegawai, events=_events(out.modules[0], start), device_id="demo")
        out.submitted = int(not result.rejected)
    write(
        f"      {len(out.modules)} modul mikro diterbitkan; {out.submitted} pengerjaan menunggu konfirmasi atasan demo"
    )
    return out
