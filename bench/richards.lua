-- richards: Martin Richards' operating-system simulation. Six tasks (idle,
-- worker, two handlers, two devices) with priorities exchange packets through
-- a scheduler that always runs the highest-priority runnable task; tasks can
-- hold, suspend, release each other. Stresses method calls through
-- metatables, field access and linked-list manipulation.
-- N: the number of complete simulations, each of 10000 idle-task steps (default 350).
local N = tonumber(arg and arg[1]) or 350

local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 1, 2, 3, 4, 5, 6
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4
local floor = math.floor

-- 16-bit exclusive or without a bit library (lua5.1 has none).
local function xor16(a, b)
  local result, place = 0, 1
  for _ = 1, 16 do
    local abit, bbit = a % 2, b % 2
    if abit ~= bbit then result = result + place end
    a, b, place = (a - abit) / 2, (b - bbit) / 2, place * 2
  end
  return result
end

---------------------------------------------------------------- packets
local Packet = {}
Packet.__index = Packet

function Packet.new(link, id, kind)
  return setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = { 0, 0, 0, 0 } }, Packet)
end

-- Append this packet to the end of queue; return the queue's head.
function Packet:append_to(queue)
  self.link = nil
  if not queue then return self end
  local last = queue
  while last.link do last = last.link end
  last.link = self
  return queue
end

---------------------------------------------------------------- scheduler
local Scheduler = {}
Scheduler.__index = Scheduler

local Tcb = {}
Tcb.__index = Tcb

function Scheduler.new()
  return setmetatable({ queue_count = 0, hold_count = 0, blocks = {}, list = nil,
                        current = nil, current_id = nil }, Scheduler)
end

-- Create a task control block at the head of the list; a queued packet makes it runnable.
function Scheduler:add_task(id, priority, queue, task)
  local tcb = setmetatable({ link = self.list, id = id, priority = priority, queue = queue,
                             task = task, pending = queue ~= nil, waiting = true,
                             holding = false }, Tcb)
  self.list, self.current, self.blocks[id] = tcb, tcb, tcb
  return tcb
end

-- Run the highest-priority task that is neither held nor waiting without work.
function Scheduler:schedule()
  local tcb = self.list
  while tcb do
    if tcb.holding or (tcb.waiting and not tcb.pending) then
      tcb = tcb.link
    else
      self.current, self.current_id = tcb, tcb.id
      tcb = tcb:run(self)
    end
  end
end

function Scheduler:release(id)
  local tcb = self.blocks[id]
  tcb.holding = false
  if tcb.priority > self.current.priority then return tcb end
  return self.current
end

function Scheduler:hold_current()
  self.hold_count = self.hold_count + 1
  self.current.holding = true
  return self.current.link
end

function Scheduler:suspend_current()
  self.current.waiting = true
  return self.current
end

-- Send a packet to the task it names, stamped with the sender's id.
function Scheduler:queue(packet)
  local target = self.blocks[packet.id]
  self.queue_count = self.queue_count + 1
  packet.link = nil
  packet.id = self.current_id
  return target:add_packet(self.current, packet)
end

-- Take the next packet if one is waiting, then run the task body.
function Tcb:run(scheduler)
  local packet
  if self.waiting and self.pending then
    packet = self.queue
    self.queue = packet.link
    self.waiting, self.pending = false, self.queue ~= nil
  end
  return self.task:run(scheduler, packet)
end

-- Queue a packet; a higher-priority receiver that was idle preempts the sender.
function Tcb:add_packet(sender, packet)
  if not self.queue then
    self.queue, self.pending = packet, true
    if self.priority > sender.priority then return self end
  else
    self.queue = packet:append_to(self.queue)
  end
  return sender
end

---------------------------------------------------------------- tasks
local IdleTask, WorkerTask, HandlerTask, DeviceTask = {}, {}, {}, {}
IdleTask.__index, WorkerTask.__index, HandlerTask.__index, DeviceTask.__index =
  IdleTask, WorkerTask, HandlerTask, DeviceTask

-- Idle: counts down, releasing one device or the other by a shift-register bit.
function IdleTask:run(s)
  self.count = self.count - 1
  if self.count == 0 then return s:hold_current() end
  local control = self.control
  if control % 2 == 0 then
    self.control = control / 2
    return s:release(ID_DEVICE_A)
  end
  self.control = xor16(floor(control / 2), 0xD008)
  return s:release(ID_DEVICE_B)
end

-- Worker: fills a work packet with letters and sends it to alternating handlers.
function WorkerTask:run(s, packet)
  if not packet then return s:suspend_current() end
  self.destination = self.destination == ID_HANDLER_A and ID_HANDLER_B or ID_HANDLER_A
  packet.id, packet.a1 = self.destination, 0
  local a2, count = packet.a2, self.count
  for i = 1, DATA_SIZE do
    count = count + 1
    if count > 26 then count = 1 end
    a2[i] = count
  end
  self.count = count
  return s:queue(packet)
end

-- Handler: pairs work packets with device packets, one datum at a time.
function HandlerTask:run(s, packet)
  if packet then
    if packet.kind == KIND_WORK then
      self.work = packet:append_to(self.work)
    else
      self.devices = packet:append_to(self.devices)
    end
  end
  local work = self.work
  if work then
    local count = work.a1
    if count < DATA_SIZE then
      local device = self.devices
      if device then
        self.devices = device.link
        device.a1 = work.a2[count + 1]
        work.a1 = count + 1
        return s:queue(device)
      end
    else
      self.work = work.link
      return s:queue(work)
    end
  end
  return s:suspend_current()
end

-- Device: holds one packet and sends it back the next time it runs.
function DeviceTask:run(s, packet)
  if not packet then
    local held = self.held
    if not held then return s:suspend_current() end
    self.held = nil
    return s:queue(held)
  end
  self.held = packet
  return s:hold_current()
end

---------------------------------------------------------------- driver
local function simulate(count)
  local s = Scheduler.new()
  local idle = s:add_task(ID_IDLE, 0, nil, setmetatable({ control = 1, count = count }, IdleTask))
  idle.waiting = false

  local queue = Packet.new(Packet.new(nil, 0, KIND_WORK), 0, KIND_WORK)
  s:add_task(ID_WORKER, 1000, queue, setmetatable({ destination = ID_HANDLER_A, count = 0 }, WorkerTask))

  queue = Packet.new(Packet.new(Packet.new(nil, ID_DEVICE_A, KIND_DEVICE), ID_DEVICE_A, KIND_DEVICE),
                     ID_DEVICE_A, KIND_DEVICE)
  s:add_task(ID_HANDLER_A, 2000, queue, setmetatable({}, HandlerTask))
  queue = Packet.new(Packet.new(Packet.new(nil, ID_DEVICE_B, KIND_DEVICE), ID_DEVICE_B, KIND_DEVICE),
                     ID_DEVICE_B, KIND_DEVICE)
  s:add_task(ID_HANDLER_B, 3000, queue, setmetatable({}, HandlerTask))

  s:add_task(ID_DEVICE_A, 4000, nil, setmetatable({}, DeviceTask))
  s:add_task(ID_DEVICE_B, 5000, nil, setmetatable({}, DeviceTask))
  s:schedule()
  return s.queue_count, s.hold_count
end

local queued, held = 0, 0
for _ = 1, N do
  local q, h = simulate(10000)
  queued, held = queued + q, held + h
end
print(string.format("%d simulations: queue count %d, hold count %d", N, queued, held))
print(string.format("one run of 1000: queue count %d, hold count %d", simulate(1000)))
