from django.urls import path

from visabond.finance import views

urlpatterns = [
    path("cashier/", views.cashier_home, name="cashier-home"),
    path("finance/", views.finance_home, name="finance-home"),
    path("finance/payments/<str:number>/", views.finance_payment, name="finance-payment"),
    path("finance/refunds/", views.finance_refunds, name="finance-refunds"),
    path(
        "finance/refunds/batches/<str:message_id>.xml",
        views.finance_batch_file,
        name="finance-batch-file",
    ),
    path("finance/ledger/", views.finance_ledger, name="finance-ledger"),
    path("finance/ledger/verify/", views.finance_ledger_verify, name="finance-ledger-verify"),
    path("finance/ledger/report.csv", views.finance_ledger_csv, name="finance-ledger-csv"),
]
