"""A Zendesk look-alike for tests and benchmarks: many tenants on real sockets.

Behaviour follows the recorded and documented responses in the API notes; where public
material is silent (suspended users, disabled token access...), a scenario option decides.
"""

from monitor.simulator.requestlog import RequestRecord
from monitor.simulator.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    default_scenario,
    load_scenario,
    parse_fault,
    parse_scenario,
    parse_tenant,
)
from monitor.simulator.server import Simulator
from monitor.simulator.state import (
    Account,
    Answer,
    CustomRole,
    Fault,
    FaultKind,
    FlagFormat,
    Group,
    Membership,
    OAuthClient,
    OAuthToken,
    Plan,
    ScopeWording,
    SimulatorState,
    TenantState,
    Token,
    TokenEnd,
    User,
    WallClock,
)
from monitor.simulator.thread import SimulatorThread

__all__ = [
    "Account",
    "Answer",
    "CustomRole",
    "Fault",
    "FaultKind",
    "FlagFormat",
    "Group",
    "Membership",
    "OAuthClient",
    "OAuthToken",
    "Plan",
    "Problem",
    "RequestRecord",
    "Scenario",
    "ScenarioError",
    "ScopeWording",
    "Simulator",
    "SimulatorState",
    "SimulatorThread",
    "TenantState",
    "Token",
    "TokenEnd",
    "User",
    "WallClock",
    "default_scenario",
    "load_scenario",
    "parse_fault",
    "parse_scenario",
    "parse_tenant",
]
