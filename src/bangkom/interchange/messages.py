"""Every user-facing text of the import, in one place so that translators find them all.

The msgids are Bahasa Indonesia (the default language); `--lang en` switches to the English catalogue.
Each function calls gettext when the message is built, so the active language at that moment wins.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bangkom.engine.nip import NipError
from bangkom.org.validation import nip_error_message


def required_empty(column: str) -> str:
    return _("kolom %(column)s wajib diisi") % {"column": column}


def missing_column(column: str) -> str:
    return _("kolom wajib %(column)s tidak ada di baris judul") % {"column": column}


def unknown_columns(file: str, columns: str) -> str:
    return _("%(file)s: kolom tidak dikenal diabaikan: %(columns)s") % {"file": file, "columns": columns}


def empty_file() -> str:
    return _("berkas kosong: baris judul tidak ditemukan")


def not_utf8() -> str:
    return _("berkas bukan teks UTF-8; simpan ulang sebagai CSV UTF-8")


def nul_character() -> str:
    return _("berkas berisi karakter NUL (berkas rusak atau bukan CSV); simpan ulang sebagai CSV UTF-8")


def unreadable_xlsx(reason: str) -> str:
    return _("berkas XLSX tidak dapat dibaca: %(reason)s") % {"reason": reason}


def bad_csv(reason: str) -> str:
    return _("format CSV rusak: %(reason)s") % {"reason": reason}


def duplicate_key(key: str, first_line: int) -> str:
    return _("kunci %(key)s muncul dua kali dalam berkas; pertama di baris %(line)s") % {
        "key": key,
        "line": first_line,
    }


def not_in_set(column: str, value: str, allowed: str) -> str:
    return _("nilai %(value)s pada kolom %(column)s tidak dikenal; pilihan: %(allowed)s") % {
        "value": value,
        "column": column,
        "allowed": allowed,
    }


def out_of_range(column: str, value: str, low: object, high: object) -> str:
    return _("nilai %(value)s pada kolom %(column)s harus bilangan bulat %(low)s sampai %(high)s") % {
        "value": value,
        "column": column,
        "low": low,
        "high": high,
    }


def too_long(column: str, length: int, maximum: int) -> str:
    return _("isi kolom %(column)s terlalu panjang (%(length)s karakter, maksimal %(max)s)") % {
        "column": column,
        "length": length,
        "max": maximum,
    }


def bad_date(column: str, value: str) -> str:
    return _(
        "tanggal %(value)s pada kolom %(column)s tidak valid; gunakan YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY"
    ) % {"value": value, "column": column}


def bad_bool(column: str, value: str) -> str:
    return _("nilai %(value)s pada kolom %(column)s harus ya/tidak/true/false/1/0") % {
        "value": value,
        "column": column,
    }


def bad_email(value: str) -> str:
    return _("alamat email %(value)s tidak valid") % {"value": value}


def jp_not_number(value: str) -> str:
    return _("JP %(value)s bukan angka") % {"value": value}


def jp_negative(value: str) -> str:
    return _("JP %(value)s tidak boleh negatif") % {"value": value}


def jp_too_large(value: str) -> str:
    return _("JP %(value)s terlalu besar (maksimal 99999,99)") % {"value": value}


def end_before_start(end: str, start: str) -> str:
    return _("tanggal selesai %(end)s sebelum tanggal mulai %(start)s") % {"end": end, "start": start}


def year_invalid(value: str, low: int, high: int) -> str:
    return _("tahun %(value)s tidak valid; harus 4 digit antara %(low)s dan %(high)s") % {
        "value": value,
        "low": low,
        "high": high,
    }


def agency_missing(code: str) -> str:
    return _("instansi %(code)s tidak ditemukan") % {"code": code}


def unit_missing(code: str, agency: str) -> str:
    return _("unit kerja %(code)s tidak ditemukan di instansi %(agency)s") % {"code": code, "agency": agency}


def unit_other_agency(code: str, agency: str, other: str) -> str:
    return _("unit kerja %(code)s bukan milik instansi %(agency)s (milik instansi %(other)s)") % {
        "code": code,
        "agency": agency,
        "other": other,
    }


def parent_other_agency(code: str, agency: str, other: str) -> str:
    return _(
        "unit induk %(code)s harus berada di instansi yang sama %(agency)s (milik instansi %(other)s)"
    ) % {
        "code": code,
        "agency": agency,
        "other": other,
    }


def parent_missing(code: str, agency: str) -> str:
    return _("unit induk %(code)s tidak ditemukan di instansi %(agency)s") % {"code": code, "agency": agency}


def unit_cycle(chain: str) -> str:
    return _("hierarki unit kerja membentuk siklus: %(chain)s") % {"chain": chain}


def position_missing(code: str, agency: str) -> str:
    return _("jabatan %(code)s tidak ditemukan di instansi %(agency)s") % {"code": code, "agency": agency}


def position_other_agency(code: str, agency: str, other: str) -> str:
    return _("jabatan %(code)s bukan milik instansi %(agency)s (milik instansi %(other)s)") % {
        "code": code,
        "agency": agency,
        "other": other,
    }


def competency_missing(code: str) -> str:
    return _("kompetensi %(code)s tidak ditemukan") % {"code": code}


def competency_other_agency(code: str, agency: str, other: str) -> str:
    return _(
        "kompetensi %(code)s milik instansi %(other)s; SKJ instansi %(agency)s hanya boleh memakai "
        "kompetensi nasional atau milik instansinya"
    ) % {"code": code, "agency": agency, "other": other}


def competency_national_change(code: str) -> str:
    return _("kompetensi nasional %(code)s tidak dapat diubah melalui impor instansi") % {"code": code}


def employee_missing(nip: str) -> str:
    return _("pegawai dengan NIP %(nip)s tidak ditemukan") % {"nip": nip}


def supervisor_missing(nip: str) -> str:
    return _("atasan dengan NIP %(nip)s tidak ditemukan") % {"nip": nip}


def supervisor_other_agency(nip: str, agency: str, other: str) -> str:
    return _(
        "atasan %(nip)s harus berada di instansi yang sama %(agency)s (berada di instansi %(other)s)"
    ) % {
        "nip": nip,
        "agency": agency,
        "other": other,
    }


def supervisor_cycle(chain: str) -> str:
    return _("rantai atasan membentuk siklus: %(chain)s") % {"chain": chain}


def form_invalid(value: str) -> str:
    return _("bentuk pengembangan %(value)s tidak dikenal; harus id jenis diklat SIASN 1-25") % {
        "value": value
    }


def agency_not_allowed(code: str) -> str:
    return _("Anda tidak berwenang mengimpor data instansi %(code)s") % {"code": code}


def national_not_allowed() -> str:
    return _("kompetensi nasional (tanpa agency_code) hanya dapat diimpor oleh admin nasional")


def nip_float(value: str) -> str:
    return _(
        "NIP %(value)s tersimpan sebagai angka pecahan di Excel sehingga digitnya hilang; "
        "format kolom NIP sebagai teks"
    ) % {"value": value}


def nip_error(err: NipError) -> str:
    """The NIP/NI messages live with the pegawai model (one place); the import reuses them."""
    return nip_error_message(err)


def usage_path_missing(path: str) -> str:
    return _("path %(path)s tidak ditemukan") % {"path": path}


def usage_no_files(path: str, names: str) -> str:
    return _("tidak ada berkas impor yang dikenal di %(path)s (nama yang dikenal: %(names)s)") % {
        "path": path,
        "names": names,
    }


def usage_bad_file(path: str, names: str) -> str:
    return _(
        "berkas %(path)s tidak dikenal; nama berkas harus salah satu dari %(names)s (.csv atau .xlsx)"
    ) % {
        "path": path,
        "names": names,
    }


def refused_summary(count: int) -> str:
    return _("Impor ditolak: %(count)s baris bermasalah; tidak ada data yang disimpan.") % {"count": count}


def done_summary() -> str:
    return _("Impor selesai.")


def kind_counts(kind: str, created: int, updated: int, unchanged: int) -> str:
    return _("%(kind)s: %(created)s dibuat, %(updated)s diperbarui, %(unchanged)s tidak berubah") % {
        "kind": kind,
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
    }


def audit_truncated(shown: int, total: int) -> str:
    return _("perubahan nilai: %(shown)s dari %(total)s baris dicatat") % {"shown": shown, "total": total}


def progress_reading(file: str) -> str:
    return _("memeriksa %(file)s") % {"file": file}


def progress_writing(file: str) -> str:
    return _("menyimpan %(file)s") % {"file": file}
