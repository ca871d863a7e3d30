"""A seeded generator of realistic, entirely fictitious ASN data in the CONTRACT.md import formats.

Why it exists: the demo (`bangkom seed-demo`), benchmarks and acceptance checks need organisations that look
like real Indonesian instansi (a unit tree, every kind of jabatan, SKJ, a supervisor chain, years of
assessments and learning) at sizes from a hundred to hundreds of thousands of pegawai. Everything goes
through the public import so the demo proves the import too.

Speed: the organisation and the pegawai are built in plain Python (a few hundred thousand rows), the
millions of assessment and learning rows are drawn with NumPy as columns and turned into text only while
being written, so 250,000 pegawai take well under a minute and never hold millions of dicts in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from bangkom.engine.nip import format_pns_nip, format_pppk_ni

KINDS: tuple[str, ...] = (
    "agencies",
    "units",
    "positions",
    "competencies",
    "requirements",
    "employees",
    "assessments",
    "learning_records",
    "performance",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "agencies": ("code", "name", "kind", "region_code", "underdeveloped"),
    "units": ("agency_code", "code", "name", "parent_code"),
    "positions": ("agency_code", "code", "name", "kind", "unit_code", "functional_level"),
    "competencies": ("code", "name", "type", "agency_code"),
    "requirements": ("agency_code", "position_code", "competency_code", "required_level"),
    "employees": (
        "nip",
        "name",
        "agency_code",
        "unit_code",
        "position_code",
        "employment_type",
        "supervisor_nip",
        "email",
    ),
    "assessments": ("nip", "competency_code", "assessed_on", "level", "method"),
    "learning_records": (
        "nip",
        "title",
        "form",
        "provider",
        "start_date",
        "end_date",
        "jp",
        "certificate_no",
        "status",
    ),
    "performance": ("nip", "year", "hasil_kerja", "perilaku_kerja"),
}
# The files an operator typically edits in Excel (Indonesian locale: semicolons, DD/MM/YYYY dates).
EXCEL_KINDS = frozenset({"requirements", "learning_records", "assessments"})

NATIONAL_COMPETENCIES: tuple[str, ...] = ("M.1", "M.2", "M.3", "M.4", "M.5", "M.6", "M.7", "M.8", "SK.1")
# DOMAIN.md default required level by position kind / functional level.
KIND_LEVEL = {
    "jpt_utama": 5,
    "jpt_madya": 4,
    "jpt_pratama": 4,
    "administrator": 3,
    "pengawas": 2,
    "pelaksana": 1,
}
FUNCTIONAL_LEVEL = {
    "ahli_pertama": 2,
    "ahli_muda": 2,  # 2 or 3, drawn per position
    "ahli_madya": 3,
    "ahli_utama": 4,
    "terampil": 1,
    "mahir": 2,
    "penyelia": 2,
}
FUNCTIONAL_LABEL = {
    "ahli_pertama": "Ahli Pertama",
    "ahli_muda": "Ahli Muda",
    "ahli_madya": "Ahli Madya",
    "ahli_utama": "Ahli Utama",
    "terampil": "Terampil",
    "mahir": "Mahir",
    "penyelia": "Penyelia",
}
AHLI_LEVELS = ("ahli_pertama", "ahli_muda", "ahli_madya", "ahli_utama")
AHLI_P = (0.42, 0.35, 0.19, 0.04)
TERAMPIL_LEVELS = ("terampil", "mahir", "penyelia")
TERAMPIL_P = (0.45, 0.35, 0.20)

METHODS: tuple[str, ...] = ("assessment_center", "uji_kompetensi", "atasan", "rekan", "diri", "lainnya")
METHOD_P = (0.22, 0.20, 0.25, 0.10, 0.15, 0.08)
RATINGS: tuple[str, ...] = ("di_atas", "sesuai", "di_bawah")
RATING_P = (0.15, 0.78, 0.07)
MAX_JP_PER_DAY = 9
STATUSES: tuple[str, ...] = ("verified", "submitted", "rejected", "")
STATUS_P = (0.80, 0.08, 0.04, 0.08)

PLACES = (
    "Lembah Hijau", "Teluk Kenari", "Bukit Sari", "Sungai Jernih", "Tanjung Harapan", "Padang Lestari",
    "Pulau Damar", "Gunung Mas", "Danau Biru", "Muara Indah", "Rimba Raya", "Karang Sakti", "Batu Putih",
    "Air Terang", "Sekar Wangi", "Tirta Jaya", "Kayu Manis", "Pantai Mutiara", "Lereng Sejuk", "Sawah Luas",
    "Ombak Tenang", "Pinang Emas", "Cempaka Raya", "Kabut Pagi", "Selat Permai", "Bintang Timur",
    "Nusa Cendana", "Delta Makmur", "Ranah Indah", "Tebing Tinggi Baru",
)  # fmt: skip
MINISTRIES = (
    ("Kementerian Pelayanan Digital", "KEM-PDG"),
    ("Kementerian Ketahanan Pangan Nusantara", "KEM-KPN"),
    ("Kementerian Kelautan dan Pesisir", "KEM-KLP"),
    ("Kementerian Energi Terbarukan", "KEM-ETB"),
    ("Kementerian Pembangunan Desa Mandiri", "KEM-PDM"),
)
AGENCIES_NATIONAL = (
    ("Badan Riset Kepulauan", "BRK"),
    ("Badan Pengelola Data Nasional", "BPDN"),
    ("Badan Mitigasi Bencana Pesisir", "BMBP"),
)
AGENCY_KINDS = ("kabupaten", "kota", "provinsi", "kementerian", "lembaga")
ROOT_UNIT = {
    "kabupaten": "Sekretariat Daerah",
    "kota": "Sekretariat Daerah",
    "provinsi": "Sekretariat Daerah Provinsi",
    "kementerian": "Sekretariat Jenderal",
    "lembaga": "Sekretariat Utama",
}
HEAD = {
    "kabupaten": ("jpt_pratama", "Sekretaris Daerah"),
    "kota": ("jpt_pratama", "Sekretaris Daerah"),
    "provinsi": ("jpt_madya", "Sekretaris Daerah Provinsi"),
    "kementerian": ("jpt_madya", "Sekretaris Jenderal"),
    "lembaga": ("jpt_utama", "Kepala Badan"),
}
BIDANG_TOPICS = (
    "Perencanaan dan Evaluasi", "Keuangan dan Aset", "Kepegawaian", "Umum dan Perlengkapan",
    "Pendidikan Dasar", "Pelayanan Kesehatan", "Pekerjaan Umum", "Penataan Ruang", "Perhubungan",
    "Pertanian dan Pangan", "Perikanan", "Pariwisata", "Perdagangan", "Perindustrian", "Sosial",
    "Kependudukan dan Pencatatan Sipil", "Lingkungan Hidup", "Komunikasi dan Informatika",
    "Pemberdayaan Masyarakat", "Koperasi dan UMKM", "Ketenagakerjaan", "Pendapatan Daerah",
    "Hukum", "Organisasi dan Tata Laksana", "Pengadaan Barang dan Jasa", "Perumahan dan Permukiman",
    "Kebudayaan", "Kepemudaan dan Olahraga", "Perpustakaan dan Kearsipan", "Penanggulangan Bencana",
)  # fmt: skip
SEKSI_TOPICS = (
    "Program", "Data dan Informasi", "Pelaporan", "Anggaran", "Perbendaharaan", "Akuntansi",
    "Mutasi dan Promosi", "Pengembangan Kompetensi", "Tata Usaha", "Rumah Tangga", "Pelayanan",
    "Pengawasan", "Pembinaan", "Sarana dan Prasarana", "Kerja Sama", "Monitoring", "Regulasi",
    "Penyuluhan", "Kemitraan", "Inovasi",
)  # fmt: skip
PELAKSANA = (
    "Pengadministrasi Perkantoran", "Pengolah Data dan Informasi", "Pengelola Keuangan",
    "Penata Layanan Operasional", "Operator Layanan Operasional", "Pengelola Umum Operasional",
    "Pengadministrasi Kepegawaian", "Penelaah Teknis Kebijakan",
)  # fmt: skip
# (base name, has Ahli levels, has Terampil levels)
FUNGSIONAL = (
    ("Analis Kepegawaian", True, False), ("Perencana", True, False), ("Pranata Komputer", True, True),
    ("Analis Kebijakan", True, False), ("Auditor", True, True), ("Arsiparis", True, True),
    ("Analis Keuangan Pusat dan Daerah", True, False), ("Pranata Hubungan Masyarakat", True, True),
    ("Penyuluh Pertanian", True, True), ("Statistisi", True, True), ("Pustakawan", True, True),
    ("Pengelola Pengadaan Barang/Jasa", True, False), ("Analis Sumber Daya Manusia Aparatur", True, False),
)  # fmt: skip
TECHNICAL = (
    "Pengelolaan Keuangan Daerah", "Perencanaan Pembangunan", "Manajemen Aset", "Pengadaan Barang dan Jasa",
    "Manajemen Kepegawaian", "Penyusunan Peraturan", "Pengelolaan Arsip Dinamis", "Analisis Data Statistik",
    "Tata Kelola Teknologi Informasi", "Pelayanan Perizinan", "Pengawasan Internal", "Penyuluhan Lapangan",
    "Manajemen Risiko", "Kehumasan dan Komunikasi Publik", "Evaluasi Kinerja Program",
)  # fmt: skip
MALE = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rudi", "Slamet", "Teguh", "Wahyu",
    "Yusuf", "Andi", "Bayu", "Dimas", "Gilang", "Hadi", "Imam", "Rizky", "Arif", "Bambang", "Dwi", "Taufik",
    "Rahmat", "Yoga", "Ahmad", "Muhammad", "Putu", "Made", "Ketut", "Ilham", "Aditya", "Yohanes", "Frans",
)  # fmt: skip
FEMALE = (
    "Ani", "Dewi", "Fitri", "Indah", "Lestari", "Maya", "Nurul", "Putri", "Rina", "Sari", "Siti", "Tri",
    "Wulan", "Yuni", "Ayu", "Dian", "Eka", "Kartika", "Ratna", "Sri", "Intan", "Nia", "Rahma", "Annisa",
    "Citra", "Desi", "Hana", "Lina", "Mega", "Novi", "Ni Luh", "Ratih", "Maria", "Yosefina",
)  # fmt: skip
LAST = (
    "Saputra", "Wijaya", "Pratama", "Hidayat", "Kurniawan", "Santoso", "Setiawan", "Nugroho", "Siregar",
    "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Hutapea", "Situmorang", "Tanjung",
    "Syahputra", "Ramadhan", "Permana", "Gunawan", "Susanto", "Wibowo", "Purnomo", "Hakim", "Rahman",
    "Kusuma", "Utami", "Rahayu", "Anggraini", "Wulandari", "Maharani", "Safitri", "Handayani", "Mahendra",
    "Firmansyah", "Halim", "Sembiring", "Ginting", "Tarigan", "Manurung", "Sinaga", "Rumbewas", "Mandagi",
    "Latuconsina", "Tuasikal", "Pattiasina", "Daeng Masalle", "Wenda", "Ndruru",
)  # fmt: skip
DEGREES = ("S.E.", "S.Kom.", "S.Sos.", "S.H.", "S.Pd.", "S.T.", "S.IP.", "A.Md.", "S.E., M.Si.", "S.T., M.T.")

# SIASN jenis diklat 1-25: (title prefix, weight, JP min, JP max, JP step, days min, days max, providers)
_P_LAN, _P_BPSDM, _P_PUSDIKLAT, _P_CORPU, _P_BKN = 0, 1, 2, 3, 4
_P_ATASAN, _P_UNIT, _P_UT, _P_KOMUNITAS, _P_MITRA = 5, 6, 7, 8, 9
PROVIDERS = (
    "Lembaga Administrasi Negara",
    "BPSDM Provinsi",
    "Pusdiklat Kementerian",
    "ASN Corporate University",
    "Badan Kepegawaian Negara",
    "Atasan Langsung",
    "Unit Kerja Sendiri",
    "Universitas Terbuka",
    "Komunitas Praktisi ASN",
    "Mitra Swasta/BUMN",
)
FORMS: tuple[tuple[str, float, float, float, float, int, int, tuple[int, ...]], ...] = (
    ("Pelatihan Kepemimpinan", 0.010, 40, 100, 4, 15, 40, (_P_LAN, _P_BPSDM)),
    ("Pelatihan Fungsional", 0.015, 40, 100, 4, 10, 30, (_P_LAN, _P_PUSDIKLAT, _P_BPSDM)),
    ("Pelatihan Teknis", 0.040, 24, 60, 4, 3, 10, (_P_BPSDM, _P_PUSDIKLAT)),
    ("Workshop", 0.040, 8, 16, 1, 1, 2, (_P_BPSDM, _P_UNIT, _P_MITRA)),
    ("Pelatihan Manajerial", 0.015, 24, 40, 2, 3, 6, (_P_LAN, _P_BPSDM)),
    ("Pelatihan Sosial Kultural", 0.010, 16, 24, 2, 2, 4, (_P_BPSDM, _P_CORPU)),
    ("Sosialisasi", 0.050, 2, 4, 1, 1, 1, (_P_UNIT, _P_BKN)),
    ("Bimbingan Teknis", 0.130, 8, 24, 2, 1, 3, (_P_BPSDM, _P_PUSDIKLAT, _P_BKN)),
    ("Seminar", 0.100, 2, 4, 1, 1, 1, (_P_UT, _P_CORPU, _P_MITRA)),
    ("Magang", 0.010, 20, 20, 1, 5, 10, (_P_MITRA, _P_UNIT)),
    ("Kursus", 0.025, 8, 32, 4, 2, 8, (_P_UT, _P_MITRA)),
    ("Penataran", 0.005, 16, 32, 4, 2, 4, (_P_BPSDM,)),
    ("Pelatihan Klasikal", 0.010, 4, 16, 2, 1, 2, (_P_BPSDM, _P_UNIT)),
    ("Coaching", 0.095, 2, 2, 1, 1, 1, (_P_ATASAN,)),
    ("Mentoring", 0.075, 2, 2, 1, 1, 1, (_P_ATASAN,)),
    ("E-Learning", 0.180, 2, 5, 0.5, 1, 14, (_P_CORPU, _P_LAN, _P_BKN)),
    ("Pelatihan Jarak Jauh", 0.020, 16, 40, 4, 5, 20, (_P_LAN, _P_BPSDM)),
    ("Detasering", 0.003, 20, 20, 1, 10, 30, (_P_MITRA, _P_PUSDIKLAT)),
    ("Pembelajaran Alam Terbuka", 0.007, 8, 8, 1, 1, 2, (_P_BPSDM,)),
    ("Patok Banding", 0.010, 10, 10, 1, 2, 3, (_P_UNIT,)),
    ("Pertukaran Pegawai", 0.002, 20, 20, 1, 10, 30, (_P_MITRA,)),
    ("Belajar Mandiri", 0.090, 1, 2, 1, 1, 1, (_P_UNIT, _P_CORPU)),
    ("Komunitas Belajar", 0.035, 2, 2, 1, 1, 1, (_P_KOMUNITAS,)),
    ("Bimbingan di Tempat Kerja", 0.015, 2, 4, 1, 1, 1, (_P_ATASAN, _P_UNIT)),
    ("Pembelajaran Nonklasikal", 0.008, 2, 8, 2, 1, 2, (_P_CORPU, _P_KOMUNITAS)),
)
LEARNING_TOPICS = (
    "Pengelolaan Keuangan Daerah", "Penyusunan Rencana Kerja", "Manajemen ASN", "Pelayanan Publik Prima",
    "Literasi Digital", "Analisis Kebijakan", "Pengadaan Barang dan Jasa", "Kearsipan Digital",
    "Penyusunan SKP", "Budaya Kerja BerAKHLAK", "Manajemen Risiko", "Keamanan Informasi",
    "Penulisan Naskah Dinas", "Analisis Data dengan Spreadsheet", "Komunikasi Efektif",
    "Kepemimpinan Transformasional", "Inovasi Pelayanan", "Wawasan Kebangsaan", "Anti Korupsi",
    "Sistem Pemerintahan Berbasis Elektronik", "Pengelolaan Aset", "Evaluasi Program",
    "Penganggaran Berbasis Kinerja", "Penilaian Kinerja Pegawai",
)  # fmt: skip


class Rows(Protocol):
    """A table as text tuples in COLUMNS order; dates rendered ISO or DD/MM/YYYY."""

    def __len__(self) -> int: ...

    def tuples(self, *, excel_dates: bool = False) -> Iterator[tuple[str, ...]]: ...


@dataclass
class ListRows:
    """A small table (organisation, SKJ, pegawai) kept as ready text tuples: it has no dates."""

    data: list[tuple[str, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.data)

    def tuples(self, *, excel_dates: bool = False) -> Iterator[tuple[str, ...]]:
        return iter(self.data)


class _DateText:
    """Date ordinal -> text via a lookup table, because millions of strftime calls would dominate."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        days = [dt.date.fromordinal(o) for o in range(first, last + 1)]
        self.iso = [d.isoformat() for d in days]
        self.dmy = [f"{d.day:02d}/{d.month:02d}/{d.year:04d}" for d in days]

    def table(self, excel: bool) -> list[str]:
        return self.dmy if excel else self.iso


@dataclass
class AssessmentRows:
    nips: list[str]
    comp_codes: list[str]
    dates: _DateText
    emp: np.ndarray
    comp: np.ndarray
    day: np.ndarray
    level: np.ndarray
    method: np.ndarray

    def __len__(self) -> int:
        return len(self.emp)

    def tuples(self, *, excel_dates: bool = False) -> Iterator[tuple[str, ...]]:
        nips, comps, lut, first = self.nips, self.comp_codes, self.dates.table(excel_dates), self.dates.first
        levels = ("0", "1", "2", "3", "4", "5")
        for e, c, d, lv, m in zip(
            self.emp.tolist(),
            self.comp.tolist(),
            (self.day - first).tolist(),
            self.level.tolist(),
            self.method.tolist(),
            strict=True,
        ):
            yield (nips[e], comps[c], lut[d], levels[lv], METHODS[m])


@dataclass
class LearningRows:
    nips: list[str]
    titles: list[str]
    dates: _DateText
    emp: np.ndarray
    title: np.ndarray
    form: np.ndarray  # 1-25
    provider: np.ndarray
    start: np.ndarray
    end: np.ndarray
    jp2: np.ndarray  # JP x 2, so that half JPs stay integers
    cert: np.ndarray  # certificate serial, 0 = none
    status: np.ndarray

    def __len__(self) -> int:
        return len(self.emp)

    def tuples(self, *, excel_dates: bool = False) -> Iterator[tuple[str, ...]]:
        nips, titles, lut, first = self.nips, self.titles, self.dates.table(excel_dates), self.dates.first
        forms = [str(i) for i in range(26)]
        jps = [str(v // 2) if v % 2 == 0 else f"{v // 2}.5" for v in range(int(self.jp2.max(initial=0)) + 1)]
        for e, t, f, p, s, en, j, c, st in zip(
            self.emp.tolist(),
            self.title.tolist(),
            self.form.tolist(),
            self.provider.tolist(),
            (self.start - first).tolist(),
            (self.end - first).tolist(),
            self.jp2.tolist(),
            self.cert.tolist(),
            self.status.tolist(),
            strict=True,
        ):
            year = lut[s][-4:] if excel_dates else lut[s][:4]
            yield (
                nips[e],
                titles[t],
                forms[f],
                PROVIDERS[p],
                lut[s],
                lut[en],
                jps[j],
                f"SRT/{year}/{c:08d}" if c else "",
                STATUSES[st],
            )


@dataclass
class PerformanceRows:
    nips: list[str]
    emp: np.ndarray
    year: np.ndarray
    hasil: np.ndarray
    perilaku: np.ndarray

    def __len__(self) -> int:
        return len(self.emp)

    def tuples(self, *, excel_dates: bool = False) -> Iterator[tuple[str, ...]]:
        nips = self.nips
        for e, y, h, p in zip(
            self.emp.tolist(), self.year.tolist(), self.hasil.tolist(), self.perilaku.tolist(), strict=True
        ):
            yield (nips[e], str(y), RATINGS[h], RATINGS[p])


@dataclass
class Dataset:
    """The nine CONTRACT.md tables of one generated world, plus what tests need to check it."""

    seed: int
    today: dt.date
    tables: dict[str, Rows]
    # Per pegawai (same order as the employees table): index of the supervisor (-1 none) and agency code.
    supervisor: np.ndarray
    employee_agency: list[str]

    def count(self, kind: str) -> int:
        return len(self.tables[kind])

    def rows(self, kind: str, *, excel_dates: bool = False) -> Iterator[dict[str, str]]:
        """Rows of one kind as dicts keyed by the CONTRACT.md column names."""
        cols = COLUMNS[kind]
        for t in self.tables[kind].tuples(excel_dates=excel_dates):
            yield dict(zip(cols, t, strict=True))

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.tables.items()}


@dataclass
class _Org:
    """One instansi's organisation while it is being built."""

    code: str
    kind: str
    positions: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # code,name,kind,unit,lvl


def _agencies(k: int, rng: np.random.Generator) -> list[tuple[str, str, str, str, str]]:
    places = [PLACES[i] for i in rng.permutation(len(PLACES))]
    rows: list[tuple[str, str, str, str, str]] = []
    used: set[str] = set()
    first_kab = True
    for i in range(k):
        kind = AGENCY_KINDS[i % len(AGENCY_KINDS)]
        rnd = i // len(AGENCY_KINDS)
        if kind in {"kabupaten", "kota", "provinsi"}:
            place = places[i % len(places)]
            prefix = {"kabupaten": "Kabupaten", "kota": "Kota", "provinsi": "Provinsi"}[kind]
            name = f"Pemerintah {prefix} {place}"
            short = {"kabupaten": "KAB", "kota": "KOTA", "provinsi": "PROV"}[kind]
            code = f"{short}-{place.split()[0].upper()}"
            prov = 11 + int(rng.integers(0, 84))
            region = f"{prov:02d}" if kind == "provinsi" else f"{prov:02d}{int(rng.integers(1, 80)):02d}"
            under = kind == "kabupaten" and (first_kab or rng.random() < 0.4)
            first_kab = first_kab and kind != "kabupaten"
        else:
            pool = MINISTRIES if kind == "kementerian" else AGENCIES_NATIONAL
            name, code = pool[rnd % len(pool)]
            region, under = "", False
        base, n = code, 2
        while code in used:
            code, n = f"{base}{n}", n + 1
        used.add(code)
        rows.append((code, name, kind, region, "ya" if under else "tidak"))
    return rows


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def generate(
    employees: int,
    agencies: int = 2,
    *,
    seed: int = 2026,
    today: dt.date | None = None,
    max_assessments_per_employee: int | None = None,
) -> Dataset:
    """Build a deterministic dataset: the same arguments (and `today`) always give the same rows.

    `max_assessments_per_employee` caps the assessment rows of one pegawai (the default, about 20 each,
    makes 5 million rows at 250,000 pegawai; benchmarks of other parts may not need them all).
    """
    if agencies < 1:
        raise ValueError("agencies must be at least 1")
    if employees < 3 * agencies:
        raise ValueError("need at least 3 pegawai per instansi (a head, one administrator, one pengawas)")
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date for the data, zone irrelevant
    rng = np.random.default_rng(seed)
    agency_rows = _agencies(agencies, rng)

    units: list[tuple[str, ...]] = []
    positions: list[tuple[str, ...]] = []
    competencies: list[tuple[str, ...]] = []
    requirements: list[tuple[str, ...]] = []
    comp_codes: list[str] = list(NATIONAL_COMPETENCIES)
    comp_index = {c: i for i, c in enumerate(comp_codes)}
    # Per position (global index): CSR of its SKJ as competency index + level, for the assessments.
    req_comp: list[int] = []
    req_level: list[int] = []
    req_start: list[int] = []
    req_len: list[int] = []

    # Per pegawai columns, filled per agency.
    e_agency: list[str] = []
    e_unit: list[str] = []
    e_pos: list[int] = []  # global position index
    e_pos_code: list[str] = []
    e_sup: list[int] = []
    e_role: list[int] = []  # 0 head of instansi, 1 administrator, 2 pengawas, 3 staff
    pos_count = 0

    def add_position(ag: str, unit: str, kind: str, name: str, level: str, tech: Sequence[int]) -> int:
        nonlocal pos_count
        code = f"{ag}-J{len(positions) + 1:05d}"
        positions.append((ag, code, name, kind, unit, level))
        if kind == "fungsional":
            base = FUNCTIONAL_LEVEL[level] + (1 if level == "ahli_muda" and rng.random() < 0.5 else 0)
        else:
            base = KIND_LEVEL[kind]
        req_start.append(len(req_comp))
        var = rng.random(len(NATIONAL_COMPETENCIES) + len(tech))
        sign = rng.integers(0, 2, len(var)) * 2 - 1
        for i, comp in enumerate([*NATIONAL_COMPETENCIES, *(comp_codes[t] for t in tech)]):
            lv = base + (int(sign[i]) if var[i] < 0.1 else 0)
            lv = min(5, max(1, lv))
            requirements.append((ag, code, comp, str(lv)))
            req_comp.append(comp_index[comp])
            req_level.append(lv)
        req_len.append(len(req_comp) - req_start[-1])
        pos_count += 1
        return pos_count - 1

    per_agency = _split(employees, agencies)
    for (ag, _name, akind, _region, _under), n in zip(agency_rows, per_agency, strict=True):
        # Technical competencies of this instansi.
        n_tech = int(rng.integers(6, 11))
        tech_names = [TECHNICAL[i] for i in rng.permutation(len(TECHNICAL))[:n_tech]]
        tech_idx = []
        for i, tname in enumerate(tech_names, start=1):
            code = f"{ag}.T{i:02d}"
            competencies.append((code, tname, "teknis", ag))
            comp_index[code] = len(comp_codes)
            tech_idx.append(len(comp_codes))
            comp_codes.append(code)

        def pick_tech(tech_idx: list[int] = tech_idx) -> list[int]:
            k = int(rng.integers(2, 5))
            return [tech_idx[i] for i in sorted(rng.choice(len(tech_idx), size=k, replace=False))]

        # Unit tree: root, bidang (administrator), seksi (pengawas), about 16 pegawai per seksi.
        n_seksi = max(1, round(n / 16))
        n_bidang = max(1, round(n_seksi / 4))
        while 1 + n_bidang + n_seksi > n:
            if n_seksi > n_bidang:
                n_seksi -= 1
            else:
                n_bidang -= 1
                n_seksi -= 1
        n_staff = n - 1 - n_bidang - n_seksi
        root = f"{ag}-00"
        units.append((ag, root, ROOT_UNIT[akind], ""))
        head_kind, head_name = HEAD[akind]
        head_pos = add_position(ag, root, head_kind, head_name, "", pick_tech())
        head_emp = len(e_agency)
        e_agency.append(ag)
        e_unit.append(root)
        e_pos.append(head_pos)
        e_sup.append(-1)
        e_role.append(0)

        bidang_units: list[str] = []
        bidang_emp: list[int] = []
        bidang_staff_pos: list[list[int]] = []
        word = "Biro" if akind in {"kementerian", "lembaga"} else "Bidang"
        for b in range(n_bidang):
            topic = BIDANG_TOPICS[b % len(BIDANG_TOPICS)]
            suffix = f" {b // len(BIDANG_TOPICS) + 1}" if b >= len(BIDANG_TOPICS) else ""
            name = f"{'Bagian' if b % 5 == 3 else word} {topic}{suffix}"
            ucode = f"{ag}-B{b + 1:03d}"
            units.append((ag, ucode, name, root))
            bidang_units.append(ucode)
            p = add_position(ag, ucode, "administrator", f"Kepala {name}", "", pick_tech())
            bidang_emp.append(len(e_agency))
            e_agency.append(ag)
            e_unit.append(ucode)
            e_pos.append(p)
            e_sup.append(head_emp)
            e_role.append(1)
            # Staff jabatan of this bidang: 2-3 pelaksana and 3-4 fungsional, shared by its seksi.
            staff_pos: list[int] = []
            for i in rng.choice(len(PELAKSANA), size=int(rng.integers(2, 4)), replace=False):
                staff_pos.append(add_position(ag, ucode, "pelaksana", PELAKSANA[int(i)], "", pick_tech()))
            for i in rng.choice(len(FUNGSIONAL), size=int(rng.integers(3, 5)), replace=False):
                fname, ahli, terampil = FUNGSIONAL[int(i)]
                if terampil and (not ahli or rng.random() < 0.35):
                    lvl = TERAMPIL_LEVELS[int(rng.choice(3, p=TERAMPIL_P))]
                else:
                    lvl = AHLI_LEVELS[int(rng.choice(4, p=AHLI_P))]
                title = f"{fname} {FUNCTIONAL_LABEL[lvl]}"
                staff_pos.append(add_position(ag, ucode, "fungsional", title, lvl, pick_tech()))
            bidang_staff_pos.append(staff_pos)

        seksi_units: list[str] = []
        seksi_emp: list[int] = []
        seksi_bidang: list[int] = []
        for s in range(n_seksi):
            b = s * n_bidang // n_seksi
            j = s - (-(-b * n_seksi // n_bidang))  # index of the seksi inside its bidang
            topic = SEKSI_TOPICS[(b * 7 + j) % len(SEKSI_TOPICS)]
            name = f"{'Subbagian' if word == 'Biro' else 'Seksi'} {topic}"
            ucode = f"{bidang_units[b]}-S{j + 1:02d}"
            units.append((ag, ucode, name, bidang_units[b]))
            p = add_position(ag, ucode, "pengawas", f"Kepala {name}", "", pick_tech())
            seksi_units.append(ucode)
            seksi_bidang.append(b)
            seksi_emp.append(len(e_agency))
            e_agency.append(ag)
            e_unit.append(ucode)
            e_pos.append(p)
            e_sup.append(bidang_emp[b])
            e_role.append(2)

        staff_seksi = np.sort(rng.integers(0, n_seksi, n_staff))
        pick = rng.random(n_staff)
        for s, u in zip(staff_seksi.tolist(), pick.tolist(), strict=True):
            choices = bidang_staff_pos[seksi_bidang[s]]
            e_agency.append(ag)
            e_unit.append(seksi_units[s])
            e_pos.append(choices[int(u * len(choices))])
            e_sup.append(seksi_emp[s])
            e_role.append(3)

    pos_codes = [p[1] for p in positions]
    e_pos_code = [pos_codes[p] for p in e_pos]
    n_emp = len(e_agency)
    role = np.array(e_role, dtype=np.int8)

    # ---- identity: employment type, birth, appointment, sex, NIP, name ------------------------------
    etype = rng.choice(3, size=n_emp, p=(0.73, 0.05, 0.22))  # 0 pns, 1 cpns, 2 pppk
    etype[role < 3] = 0  # structural heads are PNS
    sex = rng.integers(1, 3, n_emp)
    lo = np.select([role == 0, role == 1, role == 2], [1966, 1968, 1970], 1966)
    hi = np.select([role == 0, role == 1, role == 2], [1976, 1983, 1990], 2001)
    birth_year = lo + (rng.random(n_emp) * (hi - lo + 1)).astype(np.int64)
    cpns = etype == 1
    tmt_cpns = today.year - rng.integers(0, 2, n_emp)
    birth_year[cpns] = (tmt_cpns[cpns] - 20 - rng.integers(0, 11, int(cpns.sum()))).clip(1966, 2001)
    birth_u = rng.random(n_emp)
    age = 20 + rng.integers(0, 16, n_emp)
    tmt_year = np.minimum(birth_year + age, today.year - 2)
    tmt_year[cpns] = tmt_cpns[cpns]
    pppk = etype == 2
    start = np.maximum(2019, birth_year + 20)
    tmt_year[pppk] = (start + rng.random(n_emp) * (today.year - start + 1)).astype(np.int64)[pppk]
    # NI rule: appointed at 60 at the latest (DOMAIN.md), which matters for the oldest birth years later on.
    tmt_year[pppk] = np.minimum(tmt_year[pppk], birth_year[pppk] + 59)
    tmt_month = rng.integers(1, 13, n_emp)
    recent = cpns & (tmt_year == today.year)
    tmt_month[recent] = 1 + (rng.random(int(recent.sum())) * today.month).astype(np.int64)
    contract = 1 + ((today.year - tmt_year) >= 5).astype(np.int64)
    first_u, last_u, degree_u, mail_u = (rng.random(n_emp) for _ in range(4))

    counters: dict[str, int] = {}
    nips: list[str] = []
    names: list[str] = []
    mails: list[str] = []
    jan1 = {y: dt.date(y, 1, 1).toordinal() for y in range(1960, today.year + 2)}
    domains = {a[0]: a[0].lower().replace("-", "") + ".example.go.id" for a in agency_rows}
    for i, (by, bu, t, ty, tm, sx, cc) in enumerate(
        zip(
            birth_year.tolist(),
            birth_u.tolist(),
            etype.tolist(),
            tmt_year.tolist(),
            tmt_month.tolist(),
            sex.tolist(),
            contract.tolist(),
            strict=True,
        )
    ):
        birth = dt.date.fromordinal(jan1[by] + int(bu * (jan1[by + 1] - jan1[by])))
        prefix = f"{birth:%Y%m%d}{ty:04d}" + (f"2{cc}{sx}" if t == 2 else f"{tm:02d}{sx}")
        seq = counters.get(prefix, 0) + 1
        counters[prefix] = seq
        if t == 2:
            nips.append(format_pppk_ni(birth, ty, cc, sx, seq))
        else:
            nips.append(format_pns_nip(birth, ty, tm, sx, seq))
        firsts = MALE if sx == 1 else FEMALE
        first = firsts[int(first_u[i] * len(firsts))]
        last = LAST[int(last_u[i] * len(LAST))]
        du = float(degree_u[i])
        names.append(f"{first} {last}, {DEGREES[int(du * 2.5 * len(DEGREES))]}" if du < 0.4 else f"{first} {last}")
        if mail_u[i] < 1 / 3:
            local = f"{first}.{last}".lower().replace(" ", "")
            mails.append(f"{local}.{nips[-1][-3:]}{i % 997}@{domains[e_agency[i]]}")
        else:
            mails.append("")
    type_names = ("pns", "cpns", "pppk")
    employees_rows = [
        (nips[i], names[i], e_agency[i], e_unit[i], e_pos_code[i], type_names[etype[i]],
         nips[e_sup[i]] if e_sup[i] >= 0 else "", mails[i])
        for i in range(n_emp)
    ]  # fmt: skip

    first_day = today.toordinal() - 4 * 366 - 1
    dates = _DateText(first_day, today.toordinal())
    e_pos_arr = np.array(e_pos, dtype=np.int64)
    assessments = _assessments(
        rng,
        today,
        nips,
        comp_codes,
        dates,
        e_pos_arr,
        np.array(req_start, dtype=np.int64),
        np.array(req_len, dtype=np.int64),
        np.array(req_comp, dtype=np.int32),
        np.array(req_level, dtype=np.int8),
        max_assessments_per_employee,
    )
    learning = _learning(rng, today, nips, dates, n_emp)
    performance = _performance(rng, today, nips, tmt_year)

    tables: dict[str, Rows] = {
        "agencies": ListRows(agency_rows),  # type: ignore[arg-type]
        "units": ListRows(units),
        "positions": ListRows(positions),
        "competencies": ListRows(competencies),
        "requirements": ListRows(requirements),
        "employees": ListRows(employees_rows),  # type: ignore[arg-type]
        "assessments": assessments,
        "learning_records": learning,
        "performance": performance,
    }
    return Dataset(
        seed=seed,
        today=today,
        tables=tables,
        supervisor=np.array(e_sup, dtype=np.int64),
        employee_agency=e_agency,
    )


def _group_rank(counts: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... inside each run of a repeat(…, counts) array."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - starts


def _assessments(
    rng: np.random.Generator,
    today: dt.date,
    nips: list[str],
    comp_codes: list[str],
    dates: _DateText,
    e_pos: np.ndarray,
    req_start: np.ndarray,
    req_len: np.ndarray,
    req_comp: np.ndarray,
    req_level: np.ndarray,
    cap: int | None,
) -> AssessmentRows:
    """1-3 assessments per SKJ competency for about 85% of pegawai, around the required level.

    Dates of one competency fall in separate slices of the last four years, so they are distinct (the
    import key is nip + competency + date) and ordered; later ones are slightly higher.
    """
    n_emp = len(e_pos)
    assessed = np.flatnonzero(rng.random(n_emp) < 0.85)
    lens = req_len[e_pos[assessed]]
    pair_emp = np.repeat(assessed, lens)
    pair_req = np.repeat(req_start[e_pos[assessed]], lens) + _group_rank(lens)
    k = rng.choice(np.array([1, 2, 3]), size=len(pair_emp), p=(0.45, 0.35, 0.20))
    d0 = rng.choice(np.array([-1, 0, 1]), size=len(pair_emp), p=(0.35, 0.45, 0.20))
    row_pair = np.repeat(np.arange(len(pair_emp)), k)
    i = _group_rank(k)
    kk = k[row_pair]
    window = 4 * 365
    seg = window // kk
    days_ago = 1 + (kk - 1 - i) * seg + (rng.random(len(i)) * seg).astype(np.int64)
    day = today.toordinal() - days_ago
    inc = (rng.random(len(i)) < 0.35) & (i > 0)
    cum = np.cumsum(inc)
    pair_first = np.cumsum(k) - k
    delta = d0[row_pair] + cum - cum[pair_first[row_pair]]
    delta = np.minimum(delta, 2)
    level = np.clip(req_level[pair_req[row_pair]].astype(np.int64) + delta, 1, 5).astype(np.int8)
    emp = pair_emp[row_pair]
    comp = req_comp[pair_req[row_pair]]
    method = rng.choice(len(METHODS), size=len(i), p=METHOD_P).astype(np.int8)
    if cap is not None:
        per_emp = np.bincount(emp, minlength=n_emp)
        keep = _group_rank(per_emp[per_emp > 0]) < cap
        emp, comp, day, level, method = emp[keep], comp[keep], day[keep], level[keep], method[keep]
    return AssessmentRows(nips, comp_codes, dates, emp, comp, day, level, method)


def _learning(rng: np.random.Generator, today: dt.date, nips: list[str], dates: _DateText, n_emp: int) -> LearningRows:
    """0-12 records per pegawai for the previous and the current year (up to today)."""
    weights = np.array([f[1] for f in FORMS])
    weights = weights / weights.sum()
    jp_min = np.array([f[2] for f in FORMS]) * 2
    jp_max = np.array([f[3] for f in FORMS]) * 2
    jp_step = np.array([f[4] for f in FORMS]) * 2
    d_min = np.array([f[5] for f in FORMS])
    d_max = np.array([f[6] for f in FORMS])
    titles = [f"{f[0]} {t}" for f in FORMS for t in LEARNING_TOPICS]
    prov_off = np.cumsum([0] + [len(f[7]) for f in FORMS])
    prov_flat = np.array([p for f in FORMS for p in f[7]])
    parts: list[dict[str, np.ndarray]] = []
    end_limit = today.toordinal()
    for year in (today.year - 1, today.year):
        w0 = dt.date(year, 1, 1).toordinal()
        w1 = min(dt.date(year, 12, 31).toordinal(), end_limit - 1)
        wlen = w1 - w0 + 1
        if wlen < 1:
            continue
        counts = np.minimum(np.minimum(rng.poisson(5.0, n_emp), 12), wlen)
        counts[rng.random(n_emp) < 0.06] = 0
        emp = np.repeat(np.arange(n_emp), counts)
        i = _group_rank(counts)
        seg = wlen / counts[emp]
        off = np.floor(i * seg).astype(np.int64) + (rng.random(len(i)) * np.floor(seg)).astype(np.int64)
        start = w0 + off
        form = rng.choice(len(FORMS), size=len(i), p=weights)
        dur = d_min[form] + (rng.random(len(i)) * (d_max[form] - d_min[form] + 1)).astype(np.int64)
        steps = (jp_max[form] - jp_min[form]) // jp_step[form] + 1
        jp2 = (jp_min[form] + (rng.random(len(i)) * steps).astype(np.int64) * jp_step[form]).astype(np.int64)
        # A training day holds at most about 9 JP (45 minutes each): a 16-JP workshop takes two days.
        dur = np.maximum(dur, -(-jp2 // (2 * MAX_JP_PER_DAY)))
        end = np.minimum(start + dur - 1, end_limit)
        title = form * len(LEARNING_TOPICS) + (rng.random(len(i)) * len(LEARNING_TOPICS)).astype(np.int64)
        pn = prov_off[form + 1] - prov_off[form]
        provider = prov_flat[prov_off[form] + (rng.random(len(i)) * pn).astype(np.int64)]
        status = rng.choice(len(STATUSES), size=len(i), p=STATUS_P)
        has_cert = (rng.random(len(i)) < 0.85) & (status != 2)
        parts.append(
            {
                "emp": emp,
                "title": title,
                "form": form + 1,
                "provider": provider,
                "start": start,
                "end": end,
                "jp2": jp2,
                "status": status,
                "has_cert": has_cert,
            }
        )
    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    # Group by pegawai so a person's records sit together, as an export from another system would.
    order = np.argsort(cols["emp"], kind="stable")
    cols = {key: v[order] for key, v in cols.items()}
    cert = np.where(cols["has_cert"], np.arange(1, len(order) + 1), 0)
    return LearningRows(
        nips,
        titles,
        dates,
        cols["emp"],
        cols["title"],
        cols["form"],
        cols["provider"],
        cols["start"],
        cols["end"],
        cols["jp2"],
        cert,
        cols["status"],
    )


def _performance(rng: np.random.Generator, today: dt.date, nips: list[str], tmt_year: np.ndarray) -> PerformanceRows:
    """SKP predicates of the last two full years, for pegawai already appointed in that year."""
    emps, years = [], []
    for y in (today.year - 2, today.year - 1):
        e = np.flatnonzero(tmt_year <= y)
        emps.append(e)
        years.append(np.full(len(e), y))
    emp = np.concatenate(emps)
    year = np.concatenate(years)
    order = np.argsort(emp, kind="stable")
    emp, year = emp[order], year[order]
    hasil = rng.choice(3, size=len(emp), p=RATING_P)
    # Behaviour follows results a little (same predicate in 60% of cases), else drawn on its own.
    perilaku = np.where(rng.random(len(emp)) < 0.6, hasil, rng.choice(3, size=len(emp), p=RATING_P))
    return PerformanceRows(nips, emp, year, hasil, perilaku)


def write_contract_files(
    dataset: Dataset,
    folder: Path,
    *,
    excel_habits: bool = False,
    semicolon_kinds: Collection[str] = (),
    dmy_dates_kinds: Collection[str] = (),
) -> dict[str, Path]:
    """Write the nine `<kind>.csv` files of CONTRACT.md into `folder`.

    Real files reach the import after someone opened them in Excel with an Indonesian locale, which saves
    with `;` and DD/MM/YYYY dates (and a BOM). `semicolon_kinds` and `dmy_dates_kinds` pick the files
    written that way, so tests can exercise each habit alone; `excel_habits=True` is the usual mix: the
    files people edit by hand (requirements, assessments, learning_records) get both.
    """
    unknown = (set(semicolon_kinds) | set(dmy_dates_kinds)) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds: {sorted(unknown)}")
    semicolon = set(semicolon_kinds) | (EXCEL_KINDS if excel_habits else set())
    dmy = set(dmy_dates_kinds) | (EXCEL_KINDS if excel_habits else set())
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for kind in KINDS:
        path = folder / f"{kind}.csv"
        # Excel's "CSV (semicolon)" writes a BOM; the import must accept it.
        encoding = "utf-8-sig" if kind in semicolon else "utf-8"
        with path.open("w", encoding=encoding, newline="") as f:
            writer = csv.writer(f, delimiter=";" if kind in semicolon else ",", lineterminator="\n")
            writer.writerow(COLUMNS[kind])
            writer.writerows(dataset.tables[kind].tuples(excel_dates=kind in dmy))
        out[kind] = path
    return out


def describe(dataset: Dataset) -> list[str]:
    """One line per kind with its row count, for progress output."""
    return [f"{kind}: {n:,}" for kind, n in dataset.counts().items()]
