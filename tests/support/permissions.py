"""Who may use each route of the app, web and API: the permission table.

Every endpoint in `app.url_map` has an entry here, per HTTP method, naming the roles that may use
it; every other role must be refused (401, 403 or 404; a sign-in redirect; or a form that flashes
the refusal and writes nothing). tests/app/system/test_permissions.py fails for a route missing
here, so a new route cannot ship without someone deciding who may use it.

The roles are people of the standard alliance (tests/support/world.py), and the data each route
is tried on (tests/support/roles.py) belongs to Harbourside (partner A) and, where a person owns
it, to Harbourside's chief officer.
"Other" roles belong to Moorland (partner B): wherever a partner is involved, they are the people
who must not act for partner A.
"""

ANON = "signed out"
ADMIN = "admin"
CHIEF = "chief officer"
POLICY = "policy officer"
COMMS = "comms"
OTHER_CHIEF = "chief officer of another partner"
OTHER_POLICY = "policy officer of another partner"

ROLES = (ANON, ADMIN, CHIEF, POLICY, COMMS, OTHER_CHIEF, OTHER_POLICY)

EVERYONE = frozenset(ROLES)
MEMBERS = EVERYONE - {ANON}
NOBODY = frozenset()
DRAFTERS = frozenset({CHIEF, POLICY, OTHER_CHIEF, OTHER_POLICY})  # write positions
CHIEFS = frozenset({CHIEF, OTHER_CHIEF})  # each signs and confirms for their own partner only
PUBLISHERS = frozenset({ADMIN, COMMS, CHIEF, OTHER_CHIEF})
ARCHIVERS = frozenset({POLICY, CHIEF, OTHER_CHIEF})  # a draft by partner A's policy officer
PARTNER_A = frozenset({CHIEF, POLICY})  # partner A's own officers: its stance
MANAGERS = frozenset({ADMIN, COMMS})  # meetings, flags
# A draft by partner A's policy officer goes up for sign-off by its author or any partner's
# policy officer.
READIERS = frozenset({POLICY, OTHER_POLICY})
DEPUTY_GRANTERS = frozenset({CHIEF, ADMIN})  # partner A's deputies: its chief, or an admin
ADMINS = frozenset({ADMIN})
SPEAKER = frozenset({ADMIN, COMMS, CHIEF})  # an appearance whose speaker is partner A's chief
OWNER = frozenset({CHIEF})  # something that belongs to partner A's chief: a token
FEED_OWNER = frozenset({CHIEF, ADMIN})  # a calendar link: its owner, or an admin
FIGURE_READERS = frozenset({ADMIN, COMMS, CHIEF, OTHER_CHIEF})  # cycle figures: not policy officers

# endpoint -> {method: the roles that may use it}
PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    # ---- signing in, one's own account, invitations ------------------------------------------
    "auth.login": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.logout": {"POST": MEMBERS},
    "auth.second_factor": {"GET": EVERYONE, "POST": EVERYONE},  # after the password, else sign in
    "account.profile": {"GET": MEMBERS, "POST": MEMBERS},
    "account.tokens": {"GET": MEMBERS, "POST": MEMBERS},
    "account.revoke": {"POST": OWNER},
    "account.sign_out_everywhere": {"POST": MEMBERS},  # one's own other sessions
    "account.welcome": {"GET": EVERYONE, "POST": EVERYONE},  # the signed link is the key
    # ---- administration -----------------------------------------------------------------------
    "admin.audit_log": {"GET": ADMINS},
    "admin.audit_csv": {"GET": ADMINS},
    "admin.people": {"GET": ADMINS, "POST": ADMINS},
    "admin.reset": {"POST": ADMINS},
    "admin.person": {"GET": ADMINS, "POST": ADMINS},
    "admin.deactivate": {"POST": ADMINS},
    "admin.reactivate": {"POST": ADMINS},
    "admin.sign_out": {"POST": ADMINS},  # every session and token of someone else
    # ---- signatory power from the partner: partner A's chief confirms what waits for it -------
    "signatories.waiting": {"GET": MEMBERS},  # each sees what waits for them (often nothing)
    "signatories.confirm": {"POST": OWNER},  # an appointment at partner A: its chief only
    "signatories.decline": {"POST": OWNER},
    "setup.start": {"GET": NOBODY, "POST": NOBODY},  # 404 once an admin exists
    "alliance.page": {"GET": ADMINS, "POST": ADMINS},  # the alliance's settings
    "alliance.add_partner": {"POST": ADMINS},
    "alliance.edit_partner": {"POST": ADMINS},
    "alliance.add_area": {"POST": ADMINS},
    "alliance.edit_area": {"POST": ADMINS},
    "alliance.merge_area": {"POST": ADMINS},
    # ---- positions on the web -----------------------------------------------------------------
    "dashboard.index": {"GET": MEMBERS},
    "drafting.index": {"GET": MEMBERS},
    "drafting.new": {"GET": MEMBERS, "POST": DRAFTERS},
    "drafting.show": {"GET": MEMBERS},
    "drafting.edit": {"GET": MEMBERS, "POST": DRAFTERS},
    "drafting.history": {"GET": MEMBERS},
    "drafting.compare_view": {"GET": MEMBERS},
    "drafting.sign_off": {"POST": CHIEFS},
    "drafting.publish": {"POST": PUBLISHERS},
    "drafting.preview": {"POST": MEMBERS},
    "drafting.ready": {"POST": READIERS},
    "drafting.take_back": {"POST": READIERS},
    # ---- discussion: a thread on a draft is for every member; partner A's internal note is for
    # partner A's people only (404 to everyone else: it is not there for them)
    "discussion.start": {"POST": MEMBERS},
    "discussion.reply": {"POST": PARTNER_A},  # in partner A's note
    "discussion.resolve": {"POST": PARTNER_A},
    "discussion.reopen": {"POST": PARTNER_A},
    "discussion.edit": {"POST": OWNER},  # partner A's chief's own comment, just written
    "discussion.history": {"GET": PARTNER_A},
    "deputies.index": {"GET": MEMBERS},
    "figures.index": {"GET": FIGURE_READERS},
    "figures.cycle_times_chart": {"GET": FIGURE_READERS},
    "figures.timeline_chart": {"GET": FIGURE_READERS},
    "deputies.name": {"POST": DEPUTY_GRANTERS},
    "deputies.confirm": {"POST": OWNER},  # an admin's naming, confirmed by partner A's chief
    "deputies.revoke": {"POST": DEPUTY_GRANTERS},
    "divergence.board_view": {"GET": MEMBERS},
    "divergence.set_stance": {"POST": DRAFTERS},  # always for the signed-in person's partner
    "divergence.propose_amendment": {"GET": MEMBERS, "POST": DRAFTERS},
    "divergence.amendment": {"GET": MEMBERS},
    "divergence.accept_amendment": {"POST": DRAFTERS},
    "divergence.decline_amendment": {"POST": DRAFTERS},
    "divergence.differ_page": {"GET": MEMBERS, "POST": DRAFTERS},  # own partner's statement
    "divergence.confirm_differ": {"POST": CHIEFS},  # own partner only
    "divergence.reopen": {"POST": CHIEFS},  # each confirms for their own partner
    "divergence.timeline": {"GET": MEMBERS},
    "divergence.review_date": {"POST": DRAFTERS},
    "divergence.withdraw": {"POST": CHIEFS},  # each confirms for their own partner
    "divergence.archive": {"POST": ARCHIVERS},  # a never-published draft: author or any chief
    "divergence.dissent": {"POST": CHIEFS},  # each for their own partner
    "divergence.retract_dissent": {"POST": CHIEFS},  # each its own partner's statement
    # ---- the public record --------------------------------------------------------------------
    "public.index": {"GET": EVERYONE},
    "public.position": {"GET": EVERYONE},  # a published position; drafts answer 404 to all
    "public.checkpoint": {"GET": EVERYONE},  # the audit record's latest signed checkpoint
    "public.document": {"GET": EVERYONE},  # a published text as PDF or Word
    "public.feed": {"GET": EVERYONE},  # publications and withdrawals as Atom
    # ---- search: the alliance's own record signed in, the published texts for everyone -------
    "search.page": {"GET": MEMBERS},
    "search.public": {"GET": EVERYONE},
    "api.search": {"GET": MEMBERS},
    "api.search_published": {"GET": EVERYONE},
    # ---- the wording check: reads the published record only, so anyone signed in may --------
    "wording.page": {"GET": MEMBERS},
    "wording.check": {"POST": MEMBERS},
    "api.wording_check": {"POST": MEMBERS},
    "static": {"GET": EVERYONE},
    # ---- the spokesperson log -----------------------------------------------------------------
    "meetings.index": {"GET": EVERYONE},  # signed out: public meetings only
    "meetings.show": {"GET": MEMBERS},  # an internal meeting: never signed out
    "meetings.new": {"GET": MANAGERS, "POST": MANAGERS},
    "meetings.edit": {"GET": MANAGERS, "POST": MANAGERS},
    "meetings.briefing": {"GET": MEMBERS},
    "meetings.briefing_pdf": {"GET": MEMBERS},
    "meetings.new_appearance": {"GET": MEMBERS, "POST": SPEAKER},
    "meetings.edit_appearance": {"GET": SPEAKER, "POST": SPEAKER},
    "meetings.log_index": {"GET": EVERYONE},  # signed out: public entries only
    "meetings.log_csv": {"GET": EVERYONE},
    "meetings.position_log": {"GET": MEMBERS},  # an unpublished position: never signed out
    "meetings.audiences": {"GET": EVERYONE},
    "meetings.audience": {"GET": MEMBERS, "POST": MANAGERS},  # met only internally
    "meetings.flags": {"GET": MANAGERS},
    "meetings.review": {"POST": MANAGERS},
    "meetings.mandates_page": {"GET": MEMBERS, "POST": ADMINS},
    "meetings.calendar_links": {"GET": MEMBERS, "POST": MEMBERS},
    "meetings.revoke_calendar": {"POST": FEED_OWNER},
    "meetings.calendar_feed": {"GET": EVERYONE},  # the secret link is the key
    "meetings.public_calendar": {"GET": EVERYONE},
    # ---- the JSON API (bearer tokens) ---------------------------------------------------------
    "api.openapi": {"GET": EVERYONE},
    # ---- operations: probes for load balancers; metrics need their own token, not a role -----
    "operations.healthz": {"GET": EVERYONE},
    "operations.readyz": {"GET": EVERYONE},
    "metrics.metrics": {"GET": NOBODY},  # 404 without METRICS_TOKEN; 401 without the token
    "api.published": {"GET": EVERYONE},
    "api.partners": {"GET": MEMBERS},
    "api.create_partner": {"POST": ADMINS},
    "api.update_partner": {"PATCH": ADMINS},
    "api.list_areas": {"GET": MEMBERS},
    "api.create_area": {"POST": ADMINS},
    "api.update_area": {"PATCH": ADMINS},
    "api.merge_area": {"POST": ADMINS},
    "api.list_people": {"GET": ADMINS},
    "api.invite_person": {"POST": ADMINS},
    "api.update_person": {"PATCH": ADMINS},
    "api.sign_out_person": {"POST": ADMINS},
    "api.second_factor_status": {"GET": MEMBERS},
    "api.list_signatory_requests": {"GET": MEMBERS},
    "api.confirm_signatory_request": {"POST": OWNER},
    "api.decline_signatory_request": {"POST": OWNER},
    "api.get_settings": {"GET": ADMINS},
    "api.update_settings": {"PATCH": ADMINS},
    "api.list_positions": {"GET": MEMBERS},
    "api.create_position": {"POST": DRAFTERS},
    "api.show_position": {"GET": MEMBERS},
    "api.create_revision": {"POST": DRAFTERS},
    "api.list_revisions": {"GET": MEMBERS},
    "api.diff": {"GET": MEMBERS},
    "api.sign_off": {"POST": CHIEFS},  # each for their own partner, whatever the body says
    "api.publish": {"POST": PUBLISHERS},
    "api.mark_ready": {"POST": READIERS},
    "api.change_deadline": {"POST": READIERS},
    "api.take_back": {"POST": READIERS},
    "api.list_threads": {"GET": MEMBERS},  # each sees the threads they may read
    "api.start_thread": {"POST": MEMBERS},
    "api.get_thread": {"GET": PARTNER_A},  # partner A's note
    "api.reply": {"POST": PARTNER_A},
    "api.resolve_thread": {"POST": PARTNER_A},
    "api.edit_comment": {"PUT": OWNER},
    "api.comment_edits": {"GET": PARTNER_A},
    "api.list_deputations": {"GET": MEMBERS},
    "api.cycle_figures": {"GET": FIGURE_READERS},
    "api.position_timeline": {"GET": FIGURE_READERS},
    "api.name_deputy": {"POST": DEPUTY_GRANTERS},
    "api.confirm_deputation": {"POST": OWNER},
    "api.revoke_deputation": {"POST": DEPUTY_GRANTERS},
    "api.withdraw": {"POST": CHIEFS},  # each confirms for their own partner
    "api.archive": {"POST": ARCHIVERS},
    "api.state_dissent": {"POST": CHIEFS},
    "api.retract_dissent": {"POST": CHIEFS},
    "api.differ_reopen": {"POST": CHIEFS},
    "api.get_stance": {"GET": MEMBERS},
    "api.put_stance": {"PUT": PARTNER_A},  # partner A's stance: never another partner's people
    "api.list_amendments": {"GET": MEMBERS},
    "api.propose_amendment": {"POST": DRAFTERS},
    "api.accept_amendment": {"POST": DRAFTERS},
    "api.decline_amendment": {"POST": DRAFTERS},
    "api.divergence_board": {"GET": MEMBERS},
    "api.differ_statement": {"POST": DRAFTERS},  # own partner's statement
    "api.differ_confirm": {"POST": CHIEFS},  # own partner only
    "api.timeline": {"GET": MEMBERS},
    "api.list_meetings": {"GET": MEMBERS},
    "api.create_meeting": {"POST": MANAGERS},
    "api.show_meeting": {"GET": MEMBERS},
    "api.update_meeting": {"PATCH": MANAGERS},
    "api.record_appearance": {"POST": SPEAKER},
    "api.list_appearances": {"GET": MEMBERS},
    "api.list_mandates": {"GET": MEMBERS},
    "api.grant_mandate": {"POST": ADMINS},
    "api.list_flags": {"GET": MANAGERS},
    "api.review_flag": {"POST": MANAGERS},
    # ---- notifications ------------------------------------------------------------------------
    "notifications.index": {"GET": MEMBERS},
    "notifications.read": {"POST": OWNER},  # one of partner A's chief's own notifications
    "notifications.read_all": {"POST": MEMBERS},
    "notifications.preferences": {"GET": MEMBERS, "POST": MEMBERS},
    "notifications.unsubscribe": {"GET": EVERYONE, "POST": EVERYONE},  # the signed link is the key
    "notifications.sent_mail": {"GET": ADMINS},
    "notifications.mail_message": {"GET": ADMINS},
    "notifications.retry": {"POST": ADMINS},
    "api.list_notifications": {"GET": MEMBERS},
    "api.mark_notification_read": {"POST": OWNER},
    "api.mark_all_notifications_read": {"POST": MEMBERS},
}
