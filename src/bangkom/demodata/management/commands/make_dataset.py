"""`bangkom make-dataset --employees N --agencies K --out DIR`: write a generated dataset as CONTRACT files.

For benchmarks and acceptance checks of the import: the files are what another system would hand over.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bangkom.demodata.generator import describe, generate, write_contract_files


class Command(BaseCommand):
    help = "Tulis dataset contoh (fiktif) dalam format CONTRACT.md ke sebuah folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, required=True, help="jumlah pegawai")
        parser.add_argument("--agencies", type=int, default=2, help="jumlah instansi (bawaan 2)")
        parser.add_argument("--out", required=True, help="folder tujuan")
        parser.add_argument("--seed", type=int, default=2026, help="benih acak (hasil sama untuk benih sama)")
        parser.add_argument(
            "--excel-habits",
            action="store_true",
            help="requirements/assessments/learning_records dengan ';' dan tanggal DD/MM/YYYY",
        )
        parser.add_argument("--max-assessments", type=int, default=None, help="batas baris penilaian per pegawai")

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        self.stdout.write(f"Membuat data: {options['employees']:,} pegawai, {options['agencies']} instansi ...")
        dataset = generate(
            options["employees"],
            options["agencies"],
            seed=options["seed"],
            max_assessments_per_employee=options["max_assessments"],
        )
        t1 = time.perf_counter()
        self.stdout.write(f"  dibuat dalam {t1 - t0:.1f} s; menulis berkas ...")
        write_contract_files(dataset, Path(options["out"]), excel_habits=options["excel_habits"])
        for line in describe(dataset):
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Selesai dalam {time.perf_counter() - t0:.1f} s: {options['out']}")
