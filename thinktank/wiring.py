"""How the domains plug into each other, in one place: ``create_app`` calls :func:`wire`.

Importing a domain module only defines things; nothing counts until it is listed here.
So closing a vote freezes its tally because ``freeze_result`` is in :data:`AFTER_MOVES`,
not because ``voting/closing.py`` happened to be imported first. Wiring twice (several
apps in one process, as in the tests) changes nothing.
"""

from __future__ import annotations

from thinktank import pagecache, permissions
from thinktank.accounts import email_change
from thinktank.accounts import service as accounts
from thinktank.accounts.roles import Role
from thinktank.audit import service as audit
from thinktank.cases import following as case_following
from thinktank.cases import forms as case_forms
from thinktank.cases import lifecycle, sections
from thinktank.cases import policies as cases_policies
from thinktank.cases import service as cases
from thinktank.cases.sections import Section
from thinktank.discussion import policies as discussion_policies
from thinktank.discussion import service as discussion
from thinktank.discussion import subjects
from thinktank.discussion import views as discussion_views
from thinktank.members import policies as members_policies
from thinktank.members import service as members
from thinktank.members import views as members_views
from thinktank.notifications import follows
from thinktank.notifications import policies as notifications_policies
from thinktank.notifications import service as notifications
from thinktank.privacy import collectors as export_collectors
from thinktank.privacy import erasure, export
from thinktank.privacy import service as privacy
from thinktank.recommendations import adoptions, experience, on_case
from thinktank.recommendations import following as recommendation_following
from thinktank.recommendations import policies as recommendations_policies
from thinktank.recommendations import service as recommendations
from thinktank.recommendations import subject as recommendation_subject
from thinktank.search import index as search_index
from thinktank.sitepages import service as sitepages
from thinktank.voting import closing, page, reminders
from thinktank.voting import policies as voting_policies
from thinktank.voting import service as voting

#: The permission table: every action and the policy that decides it.
POLICIES = [
    ("edit_profile", permissions.at_least(Role.READER)),
    ("read_notifications", notifications_policies.can_read),
    ("open_notification", notifications_policies.can_open),
    # mentions, replies, reviews, votes and invitations (a reader hears only of what it follows)
    ("hear_of_member_events", permissions.at_least(Role.MEMBER)),
    ("follow_case", notifications_policies.can_follow_if("view_case")),
    ("follow_recommendation", notifications_policies.can_follow_if("view_recommendation")),
    ("invite", permissions.at_least(Role.SECRETARIAT)),
    ("invite_as", permissions.can_invite_as),
    ("manage_users", permissions.at_least(Role.ADMIN)),
    ("manage_account", permissions.can_manage_account),
    ("view_audit_log", permissions.at_least(Role.ADMIN)),
    ("view_mail_failures", permissions.at_least(Role.ADMIN)),
    ("declare_interests", members_policies.can_declare_interests),
    ("link_to_member", members_policies.can_link_to),
    ("view_case", cases_policies.can_view),
    ("create_case", cases_policies.can_create),
    ("edit_case", cases_policies.can_edit),
    ("discuss_case", cases_policies.can_discuss),
    ("see_contributors", cases_policies.sees_contributors),
    ("turn_on_chatham_house", cases_policies.can_steer),
    ("submit_case", cases_policies.can_submit),
    ("return_case", cases_policies.can_steer),
    ("open_case", cases_policies.can_steer),
    ("start_voting", cases_policies.can_steer),
    ("close_voting", cases_policies.can_steer),
    ("publish_case", cases_policies.can_steer),
    ("archive_case", cases_policies.can_steer),
    ("edit_comment", discussion_policies.can_edit),
    ("delete_comment", discussion_policies.can_delete),
    ("reply_to_comment", discussion_policies.can_reply),
    ("remove_comment", discussion_policies.can_remove),
    ("flag_comment", discussion_policies.can_flag),
    ("moderate", discussion_policies.can_moderate),
    ("view_comment_history", discussion_policies.can_view_history),
    ("propose_position", voting_policies.can_propose),
    ("manage_positions", voting_policies.can_manage),
    ("vote", voting_policies.can_vote),
    ("view_recommendation", recommendations_policies.can_view),
    ("view_recommendation_draft", recommendations_policies.can_view_draft),
    ("write_recommendation", recommendations_policies.can_write),
    ("review_recommendation", recommendations_policies.can_review),
    ("group_conditions", recommendations_policies.can_group_conditions),
    ("cosign_opinion", recommendations_policies.can_cosign),
    ("adopt_recommendation", recommendations_policies.can_adopt),
    ("confirm_adoption", recommendations_policies.can_confirm_adoption),
    ("report_experience", recommendations_policies.can_report_experience),
    ("edit_experience_report", recommendations_policies.can_edit_experience_report),
    ("flag_experience_report", recommendations_policies.can_flag_experience_report),
    ("remove_experience_report", recommendations_policies.can_remove_experience_report),
    # internal experience reports are for the think tank: members and the secretariat
    ("view_internal_experience", permissions.at_least(Role.MEMBER)),
    ("edit_site_pages", permissions.at_least(Role.SECRETARIAT)),
    ("export_account_data", permissions.at_least(Role.ADMIN)),
    ("delete_account", permissions.can_manage_account),
    ("use_verified_email", permissions.has_verified_email),
]

#: What "download my data" contains: one collector per kind of data (see privacy/export.py).
EXPORT_COLLECTORS = export_collectors.COLLECTORS

#: What "delete my account" erases or anonymises, in order (see privacy/erasure.py).
ERASERS = erasure.ERASERS

#: What the other domains show on the case page, by place and order.
CASE_SECTIONS = [
    Section(5, "recommendations/_on_case.html", on_case.recommendation_section, place="top"),
    Section(20, "voting/_section.html", page.voting_section),
    Section(50, "discussion/_section.html", discussion_views.case_discussion),
    Section(8, "cases/_follow.html", case_following.follow_section, place="top"),
]

#: What a discussion can be about.
DISCUSSION_SUBJECTS = [
    subjects.case_subject(voting.approved_positions),
    recommendation_subject.SUBJECT,
]

#: Conditions a case's move must meet: (move, check returning a refusal or None).
MOVE_GUARDS = [
    ("start_voting", voting.needs_two_positions),
]

#: Consequences of a case's move, in the same transaction: (move, effect).
AFTER_MOVES = [
    ("start_voting", voting.store_voting_options),
    ("close_voting", closing.freeze_result),
    ("start_voting", reminders.voting_opened),  # those who may vote, then the followers
    *case_following.AFTER_MOVES,  # followers are told of the other moves
]

#: How followed things read on /profile/following: (kind, function of the ids).
FOLLOWED = [
    ("case", case_following.describe),
    ("recommendation", recommendation_following.describe),
]

#: What else happens when an invitation is accepted.
AFTER_ACCEPTING = [
    notifications.invitation_accepted,
]

#: What makes a move need a reason from the person making it: (move, check).
MOVE_CONCERNS = [
    ("close_voting", closing.closing_concerns),
]

#: Moves the system makes when their time has come.
DUE_MOVES = [
    closing.close_due_votes,
]

#: How each domain's actions read in the logs (the accounts' own are in the audit module).
AUDIT_ACTIONS = [
    lifecycle.AUDIT_ACTIONS,
    cases.AUDIT_ACTIONS,
    voting.AUDIT_ACTIONS,
    discussion.AUDIT_ACTIONS,
    members.AUDIT_ACTIONS,
    recommendations.AUDIT_ACTIONS,
    adoptions.AUDIT_ACTIONS,
    experience.AUDIT_ACTIONS,
    sitepages.AUDIT_ACTIONS,
    privacy.AUDIT_ACTIONS,
    email_change.AUDIT_ACTIONS,
]

#: The facts some log entries show under their description, from the entry's data.
AUDIT_DETAILS = [
    closing.AUDIT_DETAILS,
    recommendations.AUDIT_DETAILS,
]


#: The pages an anonymous visitor is served from the shared cache (thinktank/pagecache.py).
CACHED_PAGES = [
    "public.index",
    "public.log",
    "cases.index",
    "cases.show",  # a public case (any other answers an anonymous visitor with a redirect)
    "recommendations.index",
    "recommendations.show",
    "recommendations.show_version",
    "recommendations.feed",
    "members.index",
]

#: Writes that change no anonymous page: (table, its columns, or None for all of them).
#: A write to any other table or column makes every cached page out of date.
UNSHOWN_WRITES = [
    ("users", ("last_login_at", "password_hash", "session_token", "locale")),
    ("invitations", None),
    ("notifications", None),
    ("notification_preferences", None),
    ("follows", None),
    ("digests_sent", None),
    ("closing_reminders", None),
    ("mail_outbox", None),
    ("search_documents", None),
]


def wire() -> None:
    """Register every domain's policies, sections, subjects, hooks and log texts.

    The registries belong to the process, not to one app: every app gets the same wiring.
    """
    for action, policy in POLICIES:
        permissions.register(action, policy)
    for section in CASE_SECTIONS:
        sections.register(section)
    for subject in DISCUSSION_SUBJECTS:
        subjects.register(subject)
    for move, check in MOVE_GUARDS:
        lifecycle.guard(move, check)
    for move, effect in AFTER_MOVES:
        lifecycle.after(move, effect)
    for move, check in MOVE_CONCERNS:
        lifecycle.concern(move, check)
    for check in DUE_MOVES:
        lifecycle.due(check)
    for descriptions in AUDIT_ACTIONS:
        for action, description in descriptions.items():
            audit.describe_action(action, description)
    for details in AUDIT_DETAILS:
        for action, facts in details.items():
            audit.describe_details(action, facts)
    for collector in EXPORT_COLLECTORS:
        export.register(collector)
    for name, eraser in ERASERS:
        erasure.register(name, eraser)
    for kind, describer in FOLLOWED:
        follows.describe_with(kind, describer)
    for effect in AFTER_ACCEPTING:
        accounts.after_accepting(effect)
    cases.use_field_labels(case_forms.field_labels)
    members_views.show_votes_with(page.frozen_votes_by)
    # every transaction rewrites the search documents of what it changed, before it commits
    search_index.install()
    # ...and, last (after the index's writes), gives the cached anonymous pages a new
    # generation when it changed anything they show
    pagecache.cache_pages(CACHED_PAGES)
    for table, columns in UNSHOWN_WRITES:
        pagecache.unshown(table, columns)
    pagecache.due_moves(lifecycle.make_due_moves, closing.next_closing_time)
    pagecache.install()
