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
    "auth.login": ALL, "auth.logout": ALL, "auth.register": ALL, "auth.register_company": ALL,
    "auth.confirm": ALL, "auth.resend_confirmation": ALL, "auth.forgot_password": ALL,
    "auth.reset_password": ALL, "auth.two_factor_login": ALL,
    "auth.change_password": USERS,
    "auth.two_factor": STAFF, "auth.two_factor_setup": STAFF, "auth.two_factor_disable": STAFF,
    "offers.index": ALL, "offers.detail": ALL,
    "offers.new": {"company"}, "offers.edit": {"company"}, "offers.publish": {"company"},
    "offers.close": {"company"}, "offers.reopen": {"company"},
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
    "alerts.settings": {"graduate", "company"}, "alerts.unsubscribe": ALL,
    "privacy.log": {"graduate"}, "privacy.audit": STAFF, "privacy.audit_export": STAFF,
    "brokering.index": {"graduate", "company"}, "brokering.detail": {"graduate", "company", *STAFF},
    "brokering.interest": {"graduate"}, "brokering.invite": {"company"}, "brokering.propose": STAFF,
    "brokering.accept": {"graduate", "company"}, "brokering.decline": {"graduate", "company"},
    "brokering.withdraw": {"graduate", "company"}, "brokering.outcome": STAFF, "brokering.add_note": STAFF,
    "brokering.pipeline": STAFF, "brokering.close_stale": STAFF, "brokering.graduate": STAFF,
    "brokering.company": STAFF, "brokering.consents": {"graduate"}, "brokering.revoke": {"graduate"},
    "gdpr.cv_file": {"graduate"}, "gdpr.delete_cv": {"graduate"},
    "gdpr.download_cv": {"graduate", "company", *STAFF}, "gdpr.index": USERS, "gdpr.export": USERS,
    "gdpr.delete_account": {"graduate", "company", "researcher"},
    "report.index": {"board", *STAFF}, "report.table_csv": {"board", *STAFF}, "report.plan": {"board", *STAFF},
    "report.measure": {"board", *STAFF}, "report.new_measure": STAFF, "report.edit_measure": STAFF,
    "report.add_figure": STAFF, "report.retention": STAFF, "report.record_retention": STAFF,
    "events.index": ALL, "events.detail": ALL, "events.ics": ALL, "events.feed": ALL,
    "events.register": {"graduate", "company"}, "events.unregister": {"graduate", "company"},
    "events.manage": STAFF, "events.new": STAFF, "events.edit": STAFF, "events.cancel": STAFF,
    "events.registrations": STAFF, "events.registrations_csv": STAFF, "events.attendance": STAFF,
}

# Pages of the login flow itself may send a visitor back to the login page without that meaning "refused".
LOGIN_FLOW = {"auth.two_factor_login", "auth.confirm", "auth.reset_password", "auth.login", "auth.register",
              "auth.register_company"}
