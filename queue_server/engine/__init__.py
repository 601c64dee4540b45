"""The queue engine: pure Python, no framework, no I/O; time is passed in.

See :mod:`.routing` for who is called next, :mod:`.hall` for the ticket life and the transfer
rule, :mod:`.prediction` for wait prediction and :mod:`.advisor` for elastic windows (with
:mod:`.forecast` for arrivals ahead and :mod:`.staffing` for who can go).
"""
from hall_contract.vocabulary import FINAL_STATES, KIND_QUEUE
from queue_server.engine import errors
from queue_server.engine.advisor import (
    Advice,
    AdvisorPolicy,
    ElasticAdvisor,
    Recommendation,
    advise,
    erlang_c,
    windows_needed,
)
from queue_server.engine.forecast import ArrivalHistory, BusinessHours, HistoryRow, history_rows
from queue_server.engine.hall import Hall, ticket_id
from queue_server.engine.model import (
    Call,
    Change,
    ItemSpec,
    Policy,
    Priority,
    QueueSpec,
    Ticket,
    TicketState,
    Window,
    WindowKind,
    WindowSpec,
    WindowStatus,
)
from queue_server.engine.staffing import Person, Role
from queue_server.engine.views import QueueView, TicketView, queue_view, restore, ticket_view

__all__ = [
    "FINAL_STATES", "KIND_QUEUE", "Advice", "AdvisorPolicy", "ArrivalHistory", "BusinessHours", "Call", "Change",
    "ElasticAdvisor", "Hall", "HistoryRow", "ItemSpec", "Person", "Policy", "Priority", "QueueSpec", "QueueView",
    "Recommendation", "Role", "Ticket", "TicketState", "TicketView", "Window", "WindowKind", "WindowSpec",
    "WindowStatus", "advise", "erlang_c", "errors", "history_rows", "queue_view", "restore", "ticket_id",
    "ticket_view", "windows_needed",
]
