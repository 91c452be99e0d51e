"""Rasa's Redis lock store (production, deploy/endpoints.yml), each ticket step one Redis script.

Rasa's RedisLockStore takes seven round trips for each message: a read and a write to issue a
ticket, a read to see whether it is served, then a read, a write, a read and a delete to give it
back. The steps are separate commands, so two servers taking tickets for one conversation at the
same moment can both read the lock and the second write loses the first's ticket.

With the speed-ups on (PHB_RASA_SPEEDUPS, rasa_plugins/switch.py) a ticket is issued and
checked in one script and given back in another: two round trips, each atomic in Redis. A message
that must wait tidies the lock between tries in a third, where Rasa reads and writes it back. The
lock keeps Rasa's own format (TicketLock.dumps, byte for byte), and the time is the server's, as
Rasa's is, so a stock server and ours share locks during a rolling restart. A ticket that must
wait is polled by Rasa's own loop. (A stock server still tidies by reading and writing back.) With the speed-ups off this is Rasa's store unchanged.
tests/unit/test_redis_lock_store.py runs the same steps on Rasa's store and this one, against a
real Redis, and compares what each leaves stored.
"""

from __future__ import annotations

import json
import time
from contextlib import asynccontextmanager
from typing import AsyncGenerator

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_plugins.switch import require_checked_rasa, speedups_on

# The tickets left once the expired ones (and, when giving one back, that one) are dropped; each
# is kept as the JSON text Rasa wrote, so the lock is stored again exactly as Rasa would store it.
_KEPT = """
local now = tonumber(ARGV[2])
local drop = tonumber(ARGV[3])
local kept = {}
local raw = redis.call('GET', KEYS[1])
if raw then
  for _, text in ipairs(cjson.decode(raw)['tickets'] or {}) do
    local ticket = cjson.decode(text)
    if not (now > tonumber(ticket['expires'])) and ticket['number'] ~= drop then
      table.insert(kept, text)
    end
  end
end
local function stored()
  local parts = {}
  for i, text in ipairs(kept) do parts[i] = cjson.encode(text) end
  return '{"conversation_id": ' .. ARGV[1] .. ', "tickets": [' .. table.concat(parts, ', ') .. ']}'
end
"""

# ARGV[1] is the conversation id as Python's json writes it (cjson would escape "/" and not
# non-ASCII letters), so the lock is stored as Rasa stores it.
# ARGV: conversation id, now, -1, the new ticket's expiry as Python writes it. Returns the ticket's
# number, the number now served and the lock as stored (TicketLock.issue_ticket, then is_locked).
ISSUE = (
    _KEPT
    + """
local number = 0
if #kept > 0 then number = cjson.decode(kept[#kept])['number'] + 1 end
table.insert(kept, '{"number": ' .. string.format('%d', number) .. ', "expires": ' .. ARGV[4] .. '}')
local lock = stored()
redis.call('SET', KEYS[1], lock)
return {number, cjson.decode(kept[1])['number'], lock}
"""
)

# ARGV: conversation id, now, the ticket given back. The lock is deleted when no one else waits
# (LockStore.cleanup: finish_serving, then is_someone_waiting, then delete_lock).
FINISH = (
    _KEPT
    + """
if not raw then return 0 end
if #kept == 0 then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('SET', KEYS[1], stored())
return 0
"""
)


# ARGV: conversation id, now, -1. Drops the expired tickets of a lock that exists, as
# LockStore.update_lock does between a waiting message's tries, but in one step: Rasa's read and
# write could put back a lock without a ticket another server issued in between.
TIDY = (
    _KEPT
    + """
if not raw then return 0 end
redis.call('SET', KEYS[1], stored())
return 1
"""
)


class PhbRedisLockStore(RedisLockStore):
    """RedisLockStore with a ticket issued, checked and given back in two atomic scripts (and a
    waiting message's tidy in a third)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs) -> None:
        # Named in endpoints.yml by its module path, Rasa passes the whole endpoint; "type: redis"
        # would pass its url as the host and the rest as they are, as here.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self.scripted = speedups_on()
        if self.scripted:
            require_checked_rasa("The scripted Redis lock (rasa_plugins/redis_lock_store.py)")
            self._issue = self.red.register_script(ISSUE)
            self._finish = self.red.register_script(FINISH)
            self._tidy = self.red.register_script(TIDY)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        if not self.scripted:
            async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as held:
                yield held
            return
        ticket, serving, stored = self._issue_ticket(conversation_id, lock_lifetime)
        try:
            if serving == ticket:
                yield TicketLock.from_dict(json.loads(stored))
            else:
                yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    def _run(self, script, conversation_id: str, now: float, *more):
        """One script on one conversation's lock: its key, then the id as Python's json writes it,
        the time and the script's own arguments."""
        return script(keys=[self.key_prefix + conversation_id], args=[json.dumps(conversation_id), repr(now), *more])

    def _issue_ticket(self, conversation_id: str, lock_lifetime: float) -> tuple[int, int, str]:
        now = time.time()
        try:
            number, serving, stored = self._run(self._issue, conversation_id, now, -1, json.dumps(now + lock_lifetime))
        except Exception as error:  # as Rasa's issue_ticket: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return int(number), int(serving), stored.decode() if isinstance(stored, bytes) else stored

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        if not self.scripted:
            return super().issue_ticket(conversation_id, lock_lifetime)
        return self._issue_ticket(conversation_id, lock_lifetime)[0]

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        if not self.scripted:
            return super().cleanup(conversation_id, ticket_number)
        if self._run(self._finish, conversation_id, time.time(), ticket_number):
            self._log_deletion(conversation_id, True)

    def update_lock(self, conversation_id: str) -> None:
        if not self.scripted:
            return super().update_lock(conversation_id)
        self._run(self._tidy, conversation_id, time.time(), -1)
