"""What a pegawai's phone downloads: every page a pegawai uses, with each stylesheet and script it links, gzipped
as a server would (level 6), stays under 50 KB. Measured on a realistic demo instansi (seed-demo), for its demo
pegawai, with a handful of published micro-learning modules; the figures are printed (pytest -s)."""

from __future__ import annotations

import gzip
import io
import random
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bangkom.accounts.models import User
from bangkom.microlearning.services import (
    ModuleData,
    PageData,
    QuestionData,
    module_publish,
    module_save,
    page_save,
    question_save,
)
from bangkom.org.models import Agency

LIMIT = 50 * 1024
ASSET = re.compile(r"<(?:link[^>]*rel=\"(?:stylesheet|manifest)\"[^>]*href|script[^>]*src)=\"([^\"]+)\"")
# Sentences of a module page; each page shuffles its own few paragraphs, as varied as an author's text.
SENTENCES = [
    "Nota dinas adalah naskah dinas intern untuk menyampaikan laporan, pemberitahuan atau permintaan.",
    "Kepala naskah memuat nama instansi, nomor, sifat, lampiran dan hal yang disampaikan.",
    "Isi nota dinas dimulai dengan latar belakang singkat, lalu pokok persoalan dan usulan tindak lanjut.",
    "Gunakan kalimat aktif dan satu gagasan dalam setiap paragraf agar mudah dibaca pimpinan.",
    "Penutup berisi harapan atau permintaan yang jelas, disertai tenggat bila perlu.",
    "Lampiran hanya disertakan bila memang dirujuk di dalam isi naskah.",
    "Periksa kembali ejaan, angka dan nama pejabat sebelum naskah ditandatangani.",
    "Tembusan ditujukan kepada pejabat yang perlu mengetahui, bukan kepada semua unit.",
]


def page_body(seed: int) -> str:
    rng = random.Random(seed)
    return "\n\n".join(" ".join(rng.sample(SENTENCES, 4)) for _ in range(4))


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def static_bytes(url: str) -> bytes:
    assert url.startswith("/" + settings.STATIC_URL.lstrip("/")), url
    path = finders.find(url.split("?", maxsplit=1)[0].removeprefix("/" + settings.STATIC_URL.lstrip("/")))
    assert isinstance(path, str), url
    with open(path, "rb") as handle:
        return handle.read()


def linked(client: Client, html: str) -> list[tuple[str, bytes]]:
    out = []
    for url in dict.fromkeys(ASSET.findall(html)):
        if url.startswith(("http:", "https:", "//")):
            pytest.fail(f"a page links outside the deployment (no CDN): {url}")
        if url.startswith("/" + settings.STATIC_URL.lstrip("/")):
            out.append((url, static_bytes(url)))
        else:
            response = client.get(url)
            assert response.status_code == 200, url
            out.append((url, response.content))
    return out


def seed_modules(agency: Agency, count: int = 6) -> None:
    admin = User.objects.filter(role_assignments__agency=agency, role_assignments__role="admin_instansi").first()
    for n in range(count):
        module = module_save(
            actor=admin,
            agency=agency,
            data=ModuleData(
                title=f"Modul {n + 1}: menulis naskah dinas yang ringkas",
                summary="Lima halaman singkat, lima soal, satu tugas praktik dan refleksi.",
                task="Tulis satu nota dinas untuk atasan Anda tentang pekerjaan minggu ini.",
                reflection_prompt="Apa yang akan Anda ubah pada nota dinas berikutnya?",
            ),
        )
        for p in range(5):
            page_save(actor=admin, module=module, data=PageData(title=f"Bagian {p + 1}", body=page_body(n * 10 + p)))
        for q in range(5):
            question_save(
                actor=admin,
                module=module,
                data=QuestionData(
                    text=f"Pertanyaan {q + 1}: bagian mana yang memuat pokok persoalan?",
                    choices=["Kepala naskah", "Isi", "Penutup", "Lampiran"],
                    correct=1,
                ),
            )
        module_publish(actor=admin, module=module)


@pytest.fixture
def pegawai(db: Any) -> User:
    call_command("seed_demo", "--employees", "120", "--seed", "7", stdout=io.StringIO())
    # The demo pegawai account: a staff member with an atasan and no subordinates.
    user = User.objects.filter(employee__supervisor__isnull=False, employee__subordinates__isnull=True).first()
    assert user is not None and user.employee is not None
    seed_modules(user.employee.agency)
    return user


def test_every_pegawai_page_weighs_under_50_kb_gzipped(pegawai: User) -> None:
    client = Client()
    client.force_login(pegawai)
    pages = [
        reverse("home"),
        reverse("profile"),
        reverse("jp_mine"),  # own learning records and the year's JP recap
        reverse("need_home"),
        reverse("idp"),
        reverse("programme_list"),
        reverse("kirkpatrick_tasks"),
        reverse("offering_list"),
        reverse("microlearning_app"),
    ]
    rows: list[tuple[str, int, int]] = []
    over = []
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content
        parts = [(url, html), *linked(client, html.decode())]
        raw = sum(len(b) for _, b in parts)
        packed = sum(gz(b) for _, b in parts)
        rows.append((f"{url} + {len(parts) - 1} CSS/JS", raw, packed))
        if packed >= LIMIT:
            over.append(url)
    # What the app fetches besides its page: the worker, the manifest and the pegawai's data; and the year's JP
    # recap as the PDF the pegawai downloads from the JP page.
    assert pegawai.employee is not None
    recap = reverse("recap_pdf", args=[pegawai.employee.pk, timezone.localdate().year])
    for url in (reverse("microlearning_sw"), reverse("microlearning_manifest"), reverse("microlearning_data"), recap):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[arg-type]
        rows.append((url, len(body), gz(body)))
        if gz(body) >= LIMIT:
            over.append(url)
    print("\npage weight (bytes, raw -> gzip level 6):")
    for name, raw, packed in rows:
        print(f"  {name:<48} {raw:>8} -> {packed:>7}")
    assert not over, f"over 50 KB gzipped: {over}"
    data = client.get(reverse("microlearning_data")).json()
    assert len(data["modules"]) >= 6  # the data.json measured is a realistic one
