from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sellerdesk.demo"
    label = "demo"
