"""The MCP tools' argument types: bounds and descriptions the clients see in each tool's schema.

The services validate again (the real limits live there); these bounds keep absurd input out of
the process and tell a model what a good argument looks like.
"""

from typing import Annotated, Literal

from pydantic import Field

from tools.airline import ComplaintCategory as ComplaintCategory

# A sanity bound on text arguments; the services enforce the real limit (`max_input_chars`).
MAX_TEXT_CHARS = 65_536

FlightNumber = Annotated[
    str,
    Field(
        min_length=1, max_length=32, description="Flight number, e.g. FL123 (case and spaces do not matter)"
    ),
]
SeatCode = Annotated[str, Field(min_length=1, max_length=8, description="Seat: a row and a letter, e.g. 12A")]
ConfirmationNumber = Annotated[
    str,
    Field(
        min_length=1,
        max_length=16,
        description="Booking confirmation number: 3 letters and 3 digits, e.g. ABC123",
    ),
]
RequestId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.:-]{8,64}$",
        description="Optional idempotency key (8-64 letters, digits, _.:-): a call repeated with the same "
        "key (a retry after a timeout) is carried out once and returns the first result",
    ),
]
Cabin = Literal["economy", "business", "first"]
BookingStatus = Literal["confirmed", "cancelled", "all"]
Question = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The question, in Chinese or English")
]
Message = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The user's message, in Chinese or English"),
]
ComplaintText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The complaint, in the user's words"),
]
Confirm = Annotated[bool, Field(description="false (default): only quote the refund; true: cancel for real")]
ThreadId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.:@-]{1,128}$",
        description="Conversation id returned by an earlier call; omit it to start a new conversation",
    ),
]
FlightDate = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Local departure date, YYYY-MM-DD; omit it for the flight's next departure "
        "(for a status question: the one still of interest)",
    ),
]
Place = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        description="A city (all its airports), an airport or an IATA code, in English or Chinese: "
        "Beijing, 北京, PEK, Daxing, 首都机场, NYC",
    ),
]
SearchDate = Annotated[
    str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD (local date of departure)")
]
TimeOfDay = Annotated[
    str, Field(pattern=r"^\d{1,2}:\d{2}$", description="Local time of departure at the origin, HH:MM")
]
MaxPrice = Annotated[float, Field(ge=0, le=1_000_000, description="Highest fare, in USD")]
SortKey = Literal["departure", "price", "duration", "arrival"]
Limit = Annotated[int, Field(ge=1, le=50, description="How many flights to return (the total counts all)")]
CheckpointId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
        description="A checkpoint of the thread, from thread_history: the message continues the "
        "conversation from there as a new branch (the database is not rewound)",
    ),
]
HistoryLimit = Annotated[int, Field(ge=1, le=1000, description="Only the newest N checkpoints")]
