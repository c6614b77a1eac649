"""Flight search for the airline specialists: understanding a search, answering it, picking from it.

    request.py  the search slots a message states: places, dates, times, price, order
    unserved.py the places a route names, served or not (an unserved one keeps its role)
    when.py     dates and times of day in Chinese and English, against an injected today
    picks.py    "第二个", "the 9 o'clock one": one flight from the last list
    routing.py  the slots and picks as the router's entities; which airline desk a search goes to
    reply.py    results as a sentence, a short table and the facts the critic checks
    desk.py     `answer_search` and `answer_own_flight`: what the specialists call

The search itself is `tools.airline.search` (plain SQL through SQLAlchemy); everything here is
language, not data.
"""
