from django.urls import path

from bangkom.planning import views, views_catalogue, views_needs

urlpatterns = [
    path("akpk/", views.akpk_view, name="akpk"),
    path("akpk/buat/", views.akpk_create_view, name="akpk_create"),
    path("akpk/<int:pk>/himpun/", views.akpk_gather_view, name="akpk_gather"),
    path("akpk/<int:pk>/setujui/", views_needs.akpk_approve_view, name="akpk_approve"),
    path("akpk/<int:pk>/dokumen.pdf", views_needs.akpk_pdf_view, name="akpk_pdf"),
    path("akpk/<int:pk>/dokumen.xlsx", views_needs.akpk_xlsx_view, name="akpk_xlsx"),
    path("kebutuhan/", views_needs.need_home, name="need_home"),
    path("kebutuhan/<int:pk>/", views_needs.need_detail_view, name="need_detail"),
    path("akpk/<int:pk>/kebutuhan/", views_needs.need_list_view, name="need_list"),
    path("akpk/<int:pk>/kebutuhan/usul/", views_needs.need_propose_view, name="need_propose"),
    path("akpk/<int:pk>/kebutuhan/setujui/", views_needs.need_bulk_approve_view, name="need_bulk_approve"),
    path("akpk/<int:pk>/kebutuhan/rekap/", views_needs.need_aggregate_view, name="need_aggregates"),
    path("katalog/", views_catalogue.offering_list_view, name="offering_list"),
    path("katalog/baru/", views_catalogue.offering_create_view, name="offering_create"),
    path("katalog/<int:pk>/", views_catalogue.offering_detail_view, name="offering_detail"),
    path("katalog/<int:pk>/ubah/", views_catalogue.offering_edit_view, name="offering_edit"),
    path("katalog/<int:pk>/aktif/", views_catalogue.offering_active_view, name="offering_active"),
]
