from ninja import NinjaAPI

from sellerdesk.api.errors import register_error_handlers
from sellerdesk.api.marketplace import router as marketplace_router

api = NinjaAPI(title="Seller Desk API", version="0", docs_url="/docs", urls_namespace="api")
register_error_handlers(api)
api.add_router("/marketplace/", marketplace_router)
