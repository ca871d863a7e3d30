"""A published module of instansi A (two pages, two questions) and helpers to make device events."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from bangkom.microlearning.models import Module
from bangkom.microlearning.services import (
    ModuleData,
    PageData,
    QuestionData,
    module_publish,
    module_save,
    page_save,
    question_save,
)
from tests.conftest import Org

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def make_module(org: Org, *, agency: str = "a", publish: bool = True, title: str = "Menulis nota dinas") -> Module:
    admin = org.users[f"admin_{agency}"]
    ag = org.agency_a if agency == "a" else org.agency_b
    m = module_save(
        actor=admin,
        agency=ag,
        data=ModuleData(
            title=title,
            summary="Ringkas dan jelas",
            task="Tulis satu nota dinas.",
            reflection_prompt="Apa yang akan Anda ubah?",
        ),
    )
    page_save(actor=admin, module=m, data=PageData(title="Pembuka", body="Nota dinas adalah ..."))
    page_save(actor=admin, module=m, data=PageData(title="Struktur", body="Kepala, isi, penutup."))
    first = QuestionData(text="Bagian pertama?", choices=["Kepala", "Isi"], correct=0)
    question_save(actor=admin, module=m, data=first)
    last = QuestionData(text="Bagian akhir?", choices=["Isi", "Penutup", "Lampiran"], correct=1)
    question_save(actor=admin, module=m, data=last)
    if publish:
        m = module_publish(actor=admin, module=m)
        # Published before the pegawai's (fixed-date) work below: the submission date is never earlier.
        Module.objects.filter(pk=m.pk).update(published_at=T0 - dt.timedelta(days=30))
        m.refresh_from_db()
    return m


def ev(module: Module | int, kind: str, minutes: int = 0, eid: str | None = None, **payload: Any) -> dict[str, Any]:
    return {
        "id": eid or str(uuid.uuid4()),
        "module_id": module if isinstance(module, int) else module.pk,
        "kind": kind,
        "payload": payload,
        "at": (T0 + dt.timedelta(minutes=minutes)).isoformat(),
    }


def complete_events(module: Module, start: int = 0) -> list[dict[str, Any]]:
    pages = list(module.pages.order_by("order").values_list("pk", flat=True))
    qs = list(module.questions.order_by("order").values_list("pk", "correct"))
    out = [ev(module, "page", start + i, page_id=p) for i, p in enumerate(pages)]
    out += [ev(module, "answer", start + 5 + i, question_id=q, choice=c) for i, (q, c) in enumerate(qs)]
    out.append(ev(module, "task", start + 10, note="Sudah saya tulis."))
    out.append(ev(module, "reflection", start + 11, text="Saya akan menulis lebih ringkas."))
    out.append(ev(module, "submit", start + 12))
    return out


@pytest.fixture
def module(org: Org) -> Module:
    return make_module(org)
