"""The 25 SIASN jenis diklat with their path and 70-20-10 category (DOMAIN.md)."""

from django.db import migrations

FORMS = [
    (1, "Diklat Struktural", "Structural leadership training", "klasikal", "10"),
    (2, "Diklat Fungsional", "Functional training", "klasikal", "10"),
    (3, "Diklat Teknis", "Technical training", "klasikal", "10"),
    (4, "Workshop", "Workshop", "klasikal", "10"),
    (5, "Pelatihan Manajerial", "Managerial training", "klasikal", "10"),
    (6, "Pelatihan Sosial Kultural", "Socio-cultural training", "klasikal", "10"),
    (7, "Sosialisasi", "Information session", "klasikal", "10"),
    (8, "Bimbingan Teknis", "Technical guidance", "klasikal", "10"),
    (9, "Seminar", "Seminar", "klasikal", "10"),
    (10, "Magang", "Internship", "nonklasikal", "70"),
    (11, "Kursus", "Course", "klasikal", "10"),
    (12, "Penataran", "Upgrading course", "klasikal", "10"),
    (13, "Pelatihan klasikal lainnya", "Other classical training", "klasikal", "10"),
    (14, "Coaching", "Coaching", "nonklasikal", "20"),
    (15, "Mentoring", "Mentoring", "nonklasikal", "20"),
    (16, "E-Learning", "E-learning", "nonklasikal", "10"),
    (17, "Pelatihan Jarak Jauh", "Distance training", "nonklasikal", "10"),
    (18, "Detasering", "Secondment", "nonklasikal", "70"),
    (19, "Pembelajaran alam terbuka", "Outdoor learning", "nonklasikal", "70"),
    (20, "Patok banding", "Benchmarking visit", "nonklasikal", "20"),
    (21, "Pertukaran PNS", "Civil servant exchange", "nonklasikal", "70"),
    (22, "Belajar mandiri", "Self-study", "nonklasikal", "70"),
    (23, "Komunitas belajar", "Learning community", "nonklasikal", "20"),
    (24, "Bimbingan di tempat kerja", "On-the-job guidance", "nonklasikal", "20"),
    (25, "Pelatihan nonklasikal lainnya", "Other non-classical training", "nonklasikal", "70"),
]


def create(apps, schema_editor):
    DevelopmentForm = apps.get_model("learning", "DevelopmentForm")
    for pk, name, name_en, path, mix in FORMS:
        DevelopmentForm.objects.update_or_create(
            id=pk, defaults={"name": name, "name_en": name_en, "path": path, "mix_category": mix}
        )


def remove(apps, schema_editor):
    apps.get_model("learning", "DevelopmentForm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
