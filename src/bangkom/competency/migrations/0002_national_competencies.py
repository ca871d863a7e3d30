"""The national manajerial (M.1-M.8) and sosial kultural (SK.1) competencies with level descriptions.

The descriptions are our own short wording of what each level looks like, in Bahasa Indonesia and English.
"""

from django.db import migrations

NATIONAL = [
    (
        "M.1",
        "Integritas",
        "Integrity",
        "manajerial",
        [
            (
                "Bertindak jujur dan sesuai aturan dalam tugasnya sendiri.",
                "Acts honestly and within the rules in own work.",
            ),
            (
                "Menjaga kejujuran dan mengingatkan rekan bila ada pelanggaran etika.",
                "Keeps to honesty and reminds peers when ethics are breached.",
            ),
            (
                "Memastikan unitnya bekerja sesuai kode etik dan menjadi teladan.",
                "Makes sure the unit works to the code of ethics and sets the example.",
            ),
            (
                "Membangun budaya integritas di organisasi dan menindak pelanggaran.",
                "Builds a culture of integrity across the organisation and acts on breaches.",
            ),
            (
                "Menjadi rujukan integritas nasional dan membentuk sistem anti-korupsi.",
                "Is a national reference for integrity and shapes anti-corruption systems.",
            ),
        ],
    ),
    (
        "M.2",
        "Kerjasama",
        "Teamwork",
        "manajerial",
        [
            (
                "Ikut serta dalam kerja kelompok dan berbagi informasi.",
                "Takes part in group work and shares information.",
            ),
            (
                "Menghargai pendapat orang lain dan aktif membantu tim.",
                "Values others' views and actively helps the team.",
            ),
            (
                "Membangun kerja sama yang efektif di dalam dan antar unit.",
                "Builds effective cooperation within and across units.",
            ),
            (
                "Membangun jejaring kerja sama lintas instansi untuk tujuan organisasi.",
                "Builds cross-agency networks of cooperation for organisational goals.",
            ),
            (
                "Menciptakan kolaborasi strategis tingkat nasional dan antarsektor.",
                "Creates strategic national and cross-sector collaboration.",
            ),
        ],
    ),
    (
        "M.3",
        "Komunikasi",
        "Communication",
        "manajerial",
        [
            (
                "Menyampaikan informasi dengan jelas dan mendengarkan dengan baik.",
                "Conveys information clearly and listens well.",
            ),
            ("Menyesuaikan cara berkomunikasi dengan lawan bicara.", "Adapts communication to the audience."),
            (
                "Menyampaikan gagasan yang rumit secara meyakinkan kepada berbagai pihak.",
                "Presents complex ideas convincingly to varied audiences.",
            ),
            (
                "Mengelola komunikasi organisasi dan bernegosiasi dengan pemangku kepentingan.",
                "Manages organisational communication and negotiates with stakeholders.",
            ),
            (
                "Menjadi juru bicara yang dipercaya untuk isu strategis nasional.",
                "Is a trusted spokesperson on strategic national issues.",
            ),
        ],
    ),
    (
        "M.4",
        "Orientasi pada Hasil",
        "Results Orientation",
        "manajerial",
        [
            ("Menyelesaikan tugas sesuai standar dan tenggat.", "Completes tasks to standard and on time."),
            (
                "Menetapkan target kerja sendiri dan berupaya melampauinya.",
                "Sets own work targets and strives to exceed them.",
            ),
            (
                "Menetapkan target unit yang menantang dan memantau pencapaiannya.",
                "Sets challenging unit targets and monitors their achievement.",
            ),
            (
                "Mendorong organisasi mencapai hasil dengan perbaikan berkelanjutan.",
                "Drives the organisation to results through continuous improvement.",
            ),
            (
                "Menetapkan arah kinerja jangka panjang yang berdampak nasional.",
                "Sets long-term performance direction with national impact.",
            ),
        ],
    ),
    (
        "M.5",
        "Pelayanan Publik",
        "Public Service",
        "manajerial",
        [
            (
                "Melayani masyarakat dengan ramah, cepat dan sesuai prosedur.",
                "Serves the public courteously, promptly and by procedure.",
            ),
            (
                "Menanggapi kebutuhan pengguna layanan secara proaktif.",
                "Responds proactively to service users' needs.",
            ),
            (
                "Memperbaiki proses layanan unit berdasarkan umpan balik.",
                "Improves the unit's service processes from feedback.",
            ),
            (
                "Merancang standar dan inovasi layanan bagi organisasi.",
                "Designs service standards and innovation for the organisation.",
            ),
            (
                "Membentuk kebijakan layanan publik yang berpihak pada warga.",
                "Shapes public service policy centred on citizens.",
            ),
        ],
    ),
    (
        "M.6",
        "Pengembangan Diri dan Orang Lain",
        "Developing Self and Others",
        "manajerial",
        [
            (
                "Mengikuti pengembangan diri dan menerapkan hal yang dipelajari.",
                "Takes part in own development and applies what is learnt.",
            ),
            (
                "Merencanakan pengembangan diri dan berbagi pengetahuan dengan rekan.",
                "Plans own development and shares knowledge with peers.",
            ),
            (
                "Membimbing dan memberi umpan balik untuk pengembangan bawahan.",
                "Coaches and gives feedback for subordinates' development.",
            ),
            (
                "Membangun sistem pembelajaran dan kaderisasi di organisasi.",
                "Builds learning and succession systems in the organisation.",
            ),
            (
                "Membentuk budaya belajar dan kepemimpinan tingkat nasional.",
                "Shapes a national culture of learning and leadership.",
            ),
        ],
    ),
    (
        "M.7",
        "Mengelola Perubahan",
        "Managing Change",
        "manajerial",
        [
            ("Menyesuaikan diri dengan perubahan di lingkungan kerja.", "Adapts to changes at work."),
            (
                "Mendukung perubahan dan membantu rekan menyesuaikan diri.",
                "Supports change and helps peers adapt.",
            ),
            ("Memimpin pelaksanaan perubahan di unitnya.", "Leads the implementation of change in the unit."),
            (
                "Merancang dan mengelola perubahan organisasi beserta risikonya.",
                "Designs and manages organisational change and its risks.",
            ),
            ("Memprakarsai transformasi tingkat nasional.", "Initiates national transformation."),
        ],
    ),
    (
        "M.8",
        "Pengambilan Keputusan",
        "Decision Making",
        "manajerial",
        [
            ("Mengambil keputusan rutin sesuai prosedur.", "Makes routine decisions by procedure."),
            (
                "Menimbang beberapa pilihan berdasarkan data sebelum memutuskan.",
                "Weighs options on data before deciding.",
            ),
            (
                "Memutuskan masalah yang kompleks dengan mempertimbangkan dampaknya.",
                "Decides complex problems weighing their impact.",
            ),
            (
                "Mengambil keputusan strategis dengan informasi yang tidak lengkap.",
                "Makes strategic decisions on incomplete information.",
            ),
            (
                "Mengambil keputusan berisiko tinggi yang berdampak nasional.",
                "Makes high-risk decisions with national impact.",
            ),
        ],
    ),
    (
        "SK.1",
        "Perekat Bangsa",
        "Nation Unifier",
        "sosial_kultural",
        [
            (
                "Menghormati keberagaman suku, agama dan budaya di tempat kerja.",
                "Respects diversity of ethnicity, religion and culture at work.",
            ),
            (
                "Bekerja sama dengan orang dari latar belakang berbeda tanpa membeda-bedakan.",
                "Works with people of different backgrounds without discrimination.",
            ),
            (
                "Mengelola keberagaman di unit dan mencegah konflik.",
                "Manages diversity in the unit and prevents conflict.",
            ),
            (
                "Membangun kebijakan yang merangkul keberagaman di organisasi.",
                "Builds policies that embrace diversity in the organisation.",
            ),
            (
                "Menjadi perekat persatuan bangsa dalam kebijakan nasional.",
                "Unifies the nation through national policy.",
            ),
        ],
    ),
]


def create(apps, schema_editor):
    Competency = apps.get_model("competency", "Competency")
    CompetencyLevel = apps.get_model("competency", "CompetencyLevel")
    for code, name, name_en, ctype, levels in NATIONAL:
        comp, _ = Competency.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "type": ctype, "agency": None}
        )
        for level, (desc, desc_en) in enumerate(levels, start=1):
            CompetencyLevel.objects.update_or_create(
                competency=comp, level=level, defaults={"description": desc, "description_en": desc_en}
            )


def remove(apps, schema_editor):
    apps.get_model("competency", "Competency").objects.filter(code__in=[c[0] for c in NATIONAL]).delete()


class Migration(migrations.Migration):
    dependencies = [("competency", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
