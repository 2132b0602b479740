from flask import Blueprint

bp = Blueprint("offers", __name__)


@bp.route("/")
def index():
    return "offers"


@bp.route("/<int:offer_id>")
def detail(offer_id: int):
    return "offer"
