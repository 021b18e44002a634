--[[
  apply-event — apply one event's (or one batch's) state writes to a shard and record the
  consumed Kafka offset, in one atomic step; refuse redeliveries and zombie writers.

  One shard = (consumer group, stream, partition). All keys carry the shard's hash tag
  `{<group>:<stream>:<partition>}`, so the script touches one Redis Cluster slot.

  KEYS[1]     the shard's meta hash   …{tag}:meta   fields: gen, offset:<topic>
  KEYS[2]     the shard's due zset    …{tag}:due    accountKey → epoch ms of next re-evaluation
  KEYS[3..n]  the state hashes written (…{tag}:state:<account> or …{tag}:shared:<name>),
              in the order of their ARGV blocks

  ARGV[1]     the generation the caller holds for the shard (from claim: HINCRBY gen)
  ARGV[2]     the topic the offset belongs to, or "" for a write with no offset
              (a clock-driven re-evaluation: fenced, but not deduplicated)
  ARGV[3]     the offset of the last message applied (decimal, no leading zeros), or ""
  ARGV[4]     what the caller believes is stored for the topic: "" (no check), "~" (nothing
              stored yet) or an offset; compared after the duplicate check
  then, for each KEYS[3..n] in order:
              nSet, nDel, field_1, value_1, …, field_nSet, value_nSet, delField_1, …, delField_nDel
  then        nSchedule, member_1, score_1, …   (score "" removes the member)

  Returns     { 1, "" }                 applied: every write done, offset recorded
              { 0, storedOffset }       duplicate: offset ≤ the stored offset of the topic; nothing written
              { -1, storedGeneration }  fenced: the shard is held by another generation ("0": never
                                        claimed, e.g. after a Redis data loss); nothing written
              { 2, storedOffset }       behind: the stored offset is not the one the caller last
                                        applied ("" = none): Redis lost writes it acknowledged
                                        (an AOF tail lost in a crash, a restore from an older
                                        snapshot); nothing written

  Checks come before any write, so a refused call changes nothing; a Lua error mid-way
  (bad arguments from a buggy caller) would leave earlier writes — the TypeScript side
  builds and validates the arguments so that cannot happen.
]]
local meta = KEYS[1]

local held = redis.call('HGET', meta, 'gen')
if held ~= ARGV[1] then
  return { -1, held or '0' }
end

local topic, offset = ARGV[2], ARGV[3]
if offset ~= '' then
  local stored = redis.call('HGET', meta, 'offset:' .. topic)
  -- Exact comparison of non-negative decimals of any length: Lua numbers lose precision past 2^53.
  if stored and (#offset < #stored or (#offset == #stored and offset <= stored)) then
    return { 0, stored }
  end
  local expected = ARGV[4]
  if expected ~= '' and (stored or '~') ~= expected then
    return { 2, stored or '' }
  end
end

-- unpack() is bounded by the Lua C stack (~8000 values): send large hashes in slices.
local SLICE = 1000
local a = 5
for k = 3, #KEYS do
  local key = KEYS[k]
  local nSet, nDel = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local setEnd = a + 2 * nSet - 1
  while a <= setEnd do
    local last = math.min(a + 2 * SLICE - 1, setEnd)
    redis.call('HSET', key, unpack(ARGV, a, last))
    a = last + 1
  end
  local delEnd = a + nDel - 1
  while a <= delEnd do
    local last = math.min(a + SLICE - 1, delEnd)
    redis.call('HDEL', key, unpack(ARGV, a, last))
    a = last + 1
  end
end

local nSchedule = tonumber(ARGV[a])
a = a + 1
for _ = 1, nSchedule do
  local member, score = ARGV[a], ARGV[a + 1]
  if score == '' then
    redis.call('ZREM', KEYS[2], member)
  else
    redis.call('ZADD', KEYS[2], score, member)
  end
  a = a + 2
end

if offset ~= '' then
  redis.call('HSET', meta, 'offset:' .. topic, offset)
end
return { 1, '' }
