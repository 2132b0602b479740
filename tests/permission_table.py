"""Who may use which route: the written table that test_permissions.py checks every route against.

The fuzz and escaping tests walk the same table. A plain module, so parametrize lists can use it.
"""

from __future__ import annotations

from matchmaker.models import Role

ANON = "anonymous"
ALL = {ANON, *(role.value for role in Role)}
USERS = ALL - {ANON}
STAFF = {"staff", "admin"}

# endpoint -> who may use it. Everyone else: anonymous visitors are sent to the login page, logged-in users get 403.
PERMISSIONS: dict[str, set[str]] = {
    "static": ALL,
    "main.index": ALL, "main.about": ALL, "main.accessibility": ALL, "main.privacy": ALL, "main.set_language": ALL,
    "main.robots": ALL, "main.sitemap": ALL,
    "auth.login": ALL, "auth.logout": ALL, "auth.register": ALL, "auth.register_company": ALL,
    "auth.confirm": ALL, "auth.resend_confirmation": ALL, "auth.forgot_password": ALL,
    "auth.reset_password": ALL, "auth.two_factor_login": ALL,
    "auth.change_password": USERS,
    "auth.two_factor": STAFF, "auth.two_factor_setup": STAFF, "auth.two_factor_disable": STAFF,
    "offers.index": ALL, "offers.detail": ALL,
    "offers.new": {"company"}, "offers.edit": {"company"}, "offers.publish": {"company"},
    "offers.close": {"company"}, "offers.reopen": {"company"},
    "feeds.index": {"company"}, "feeds.company": STAFF, "feeds.run": {"company", *STAFF},
    "feeds.remove": {"company", *STAFF},
    "companies.index": ALL, "companies.detail": ALL,
    "companies.dashboard": {"company"}, "companies.edit": {"company"},
    "companies.approve_member": {"company"}, "companies.decline_member": {"company"},
    "graduates.dashboard": {"graduate"}, "graduates.profile": {"graduate"},
    "graduates.visibility": {"graduate"}, "graduates.card": {"graduate"},
    "matching.offers_for_me": {"graduate"}, "matching.graduates_for_offer": {"company", *STAFF},
    "matching.board": STAFF,
    "admin.dashboard": STAFF, "admin.companies": STAFF, "admin.company": STAFF,
    "admin.verify_company": STAFF, "admin.reject_company": STAFF, "admin.approve_member": STAFF,
    "admin.unlock_two_factor": STAFF, "jobs.index": STAFF, "jobs.retry": STAFF,
    "admin.users": STAFF, "admin.user": STAFF, "admin.deactivate_user": STAFF, "admin.reactivate_user": STAFF,
    "alerts.settings": {"graduate", "company", "researcher"}, "alerts.unsubscribe": ALL,
    "privacy.log": {"graduate"}, "privacy.audit": STAFF, "privacy.audit_export": STAFF,
    "brokering.index": {"graduate", "company", "researcher"},
    "brokering.detail": {"graduate", "company", "researcher", *STAFF},
    "brokering.interest": {"graduate"}, "brokering.invite": {"company"}, "brokering.propose": STAFF,
    "brokering.accept": {"graduate", "company", "researcher"},
    "brokering.decline": {"graduate", "company", "researcher"},
    "brokering.withdraw": {"graduate", "company", "researcher"}, "brokering.outcome": STAFF, "brokering.add_note": STAFF,
    "brokering.pipeline": STAFF, "brokering.close_stale": STAFF, "brokering.graduate": STAFF,
    "brokering.company": STAFF, "brokering.consents": {"graduate", "researcher"},
    "brokering.revoke": {"graduate", "researcher"},
    "gdpr.cv_file": {"graduate"}, "gdpr.delete_cv": {"graduate"},
    "gdpr.download_cv": {"graduate", "company", *STAFF}, "gdpr.index": USERS, "gdpr.export": USERS,
    "gdpr.delete_account": {"graduate", "company", "researcher"},
    "report.index": {"board", *STAFF}, "report.table_csv": {"board", *STAFF}, "report.plan": {"board", *STAFF},
    "report.measure": {"board", *STAFF}, "report.new_measure": STAFF, "report.edit_measure": STAFF,
    "report.add_figure": STAFF, "report.retention": STAFF, "report.record_retention": STAFF,
    "events.index": ALL, "events.detail": ALL, "events.ics": ALL, "events.feed": ALL,
    "events.register": {"graduate", "company"}, "events.unregister": {"graduate", "company"},
    "events.manage": STAFF, "events.new": STAFF, "events.edit": STAFF, "events.cancel": STAFF,
    "research.index": ALL, "research.detail": ALL, "research.join": ALL,
    "research.manage": STAFF, "research.new": STAFF, "research.verify": STAFF,
    "research.invite_member": {"researcher", *STAFF},
    "research.propose": STAFF, "research.edit": {"researcher", *STAFF}, "research.questions": {"researcher", *STAFF},
    "research.mine": {"researcher"}, "research.interest": {"researcher"},
    "research.units_for_offer": {"company", *STAFF}, "research.invite_unit": {"company"},
    "events.registrations": STAFF, "events.registrations_csv": STAFF, "events.attendance": STAFF,
    "tokens.index": USERS, "tokens.revoke": USERS, "tokens.staff_index": STAFF, "tokens.staff_revoke": STAFF,
    # The JSON API: open to anyone (a session cookie is never looked at) ...
    "api.openapi": ALL, "api.docs": ALL, "api.list_offers": ALL, "api.get_offer": ALL,
    "api.list_companies": ALL, "api.get_company": ALL, "api.list_units": ALL, "api.get_unit": ALL,
    # ... or for a personal token only (see TOKEN_ONLY; tests/test_api.py walks them with tokens).
    "api.own_offers": set(), "api.create_offer": set(), "api.update_offer": set(), "api.publish_offer": set(),
    "api.close_offer": set(), "api.graduates_for_offer": set(), "api.matches": set(),
    "stories.index": ALL, "stories.detail": ALL, "stories.image": ALL, "stories.thumbnail": ALL,
    "stories.feed": ALL, "stories.confirmations": USERS, "stories.confirm": USERS, "stories.withdraw": USERS,
    "stories.manage": STAFF, "stories.new": STAFF, "stories.edit": STAFF, "stories.publish": STAFF,
    "stories.offline": STAFF,
}

# API operations that need a bearer token: with a session cookie alone every role gets 401.
TOKEN_ONLY = {endpoint for endpoint, who in PERMISSIONS.items() if endpoint.startswith("api.") and not who}

# Pages of the login flow itself may send a visitor back to the login page without that meaning "refused".
LOGIN_FLOW = {"auth.two_factor_login", "auth.confirm", "auth.reset_password", "auth.login", "auth.register",
              "auth.register_company"}
