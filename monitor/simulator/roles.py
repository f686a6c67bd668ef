"""The built-in custom role and the role configuration keys Zendesk documents or records."""

from __future__ import annotations

from typing import Any

from monitor.simulator.state import CustomRole

# The doc example's "Staff" role, widened to what the integration needs (all tickets, public
# comments): the role every agent has when a scenario does not list custom_roles.
STAFF_CONFIGURATION: dict[str, Any] = {
    "assign_tickets_to_any_group": False,
    "chat_access": True,
    "end_user_list_access": "full",
    "end_user_profile_access": "readonly",
    "explore_access": "edit",
    "export_views": True,
    "forum_access": "readonly",
    "forum_access_restricted_content": False,
    "group_access": True,
    "light_agent": False,
    "macro_access": "full",
    "manage_business_rules": True,
    "manage_contextual_workspaces": False,
    "manage_dynamic_content": False,
    "manage_extensions_and_channels": True,
    "manage_facebook": False,
    "manage_organization_fields": False,
    "manage_ticket_fields": False,
    "manage_ticket_forms": False,
    "manage_user_fields": False,
    "moderate_forums": False,
    "organization_editing": False,
    "organization_notes_editing": False,
    "report_access": "none",
    "side_conversation_create": True,
    "ticket_access": "all",
    "ticket_comment_access": "public",
    "ticket_deletion": False,
    "ticket_editing": True,
    "ticket_merge": False,
    "ticket_tag_editing": True,
    "twitter_search_access": True,
    "user_view_access": "readonly",
    "view_access": "full",
    "view_deleted_tickets": False,
    "voice_access": True,
    "voice_dashboard_access": False,
}
STAFF_ROLE_ID = 6

# Values are type-checked but not limited to the documented enums: Zendesk records values
# outside them (manage_roles "all"), and a test may want an unexpected value on purpose.
CONFIG_STRING_KEYS = frozenset(
    {
        "ticket_access",
        "ticket_comment_access",
        "end_user_profile_access",
        "end_user_list_access",
        "user_view_access",
        "view_access",
        "macro_access",
        "report_access",
        "explore_access",
        "forum_access",
        "manage_roles",
        "manage_team_members",
    }
)
CONFIG_BOOL_KEYS = frozenset(k for k, v in STAFF_CONFIGURATION.items() if isinstance(v, bool)) | {
    "ticket_redaction",
    "view_filter_tickets",
    "assign_tickets_to_any_brand",
    "custom_objects",
    "explore_reports",
    "manage_automations",
    "manage_skills",
    "manage_slas",
    "manage_groups",
    "manage_group_memberships",
    "manage_organizations",
    "manage_suspended_tickets",
    "manage_triggers",
    "manage_approval_requests",
}


def default_roles() -> list[CustomRole]:
    return [
        CustomRole(
            id=STAFF_ROLE_ID,
            name="Staff",
            role_type=0,
            description="A Staff agent's primary role is to solve tickets.",
            configuration=dict(STAFF_CONFIGURATION),
        )
    ]
