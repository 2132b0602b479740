from flask import Blueprint

bp = Blueprint("companies", __name__)


@bp.route("/")
def index():
    return "companies"


@bp.route("/mine")
def dashboard():
    return "company"
