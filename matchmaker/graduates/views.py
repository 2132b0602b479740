from flask import Blueprint

bp = Blueprint("graduates", __name__)


@bp.route("/")
def dashboard():
    return "me"
