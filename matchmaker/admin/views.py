from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.route("/")
def dashboard():
    return "staff"
