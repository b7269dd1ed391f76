from django.apps import AppConfig
from django.db.backends.signals import connection_created


class OrdersConfig(AppConfig):
    name = "sellerdesk.orders"
    label = "orders"

    def ready(self) -> None:
        from sellerdesk.orders.search import sqlite_functions

        connection_created.connect(sqlite_functions, dispatch_uid="orders.sqlite_functions")
