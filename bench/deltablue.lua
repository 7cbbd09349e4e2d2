-- deltablue: the DeltaBlue incremental constraint solver (Freeman-Benson,
-- Maloney and Borning). Constraints have strengths; adding or removing one
-- re-plans incrementally by walking "walkabout strengths" through the
-- variable graph, then an extracted plan is executed repeatedly. Runs the
-- classic chain and projection tests. Stresses OO method dispatch through
-- metatable inheritance, small-table allocation and list manipulation.
-- N: the number of chain+projection test rounds, each with 100 variables (default 3000).
local N = tonumber(arg and arg[1]) or 3000

local SIZE = 100
local ipairs, setmetatable, error = ipairs, setmetatable, error

---------------------------------------------------------------- strengths
-- Smaller is stronger: REQUIRED dominates everything, WEAKEST nothing.
local REQUIRED, STRONG_PREFERRED, PREFERRED, STRONG_DEFAULT, NORMAL, WEAK_DEFAULT, WEAKEST =
  0, 1, 2, 3, 4, 5, 6
local function stronger(a, b) return a < b end
local function weaker(a, b) return a > b end
local function weakest_of(a, b) return a > b and a or b end

local NONE, FORWARD, BACKWARD = 0, 1, 2

-- Inheritance helper: a class whose missing methods come from base.
local function class(base)
  local c = {}
  c.__index = c
  if base then setmetatable(c, { __index = base }) end
  return c
end

-- The planner of the test being run (each test creates its own).
local planner

---------------------------------------------------------------- variables
local Variable = class()

function Variable.new(name, value)
  return setmetatable({ name = name, value = value or 0, constraints = {}, determined_by = nil,
                        mark = 0, walk_strength = WEAKEST, stay = true }, Variable)
end

function Variable:add_constraint(c)
  self.constraints[#self.constraints + 1] = c
end

function Variable:remove_constraint(c)
  local kept = {}
  for _, d in ipairs(self.constraints) do if d ~= c then kept[#kept + 1] = d end end
  self.constraints = kept
  if self.determined_by == c then self.determined_by = nil end
end

---------------------------------------------------------------- constraints
local Constraint = class()

-- Hook the constraint into the graph and satisfy it if possible.
function Constraint:add_constraint()
  self:add_to_graph()
  planner:incremental_add(self)
end

-- Pick a way to satisfy this constraint; return the constraint it overrides.
function Constraint:satisfy(mark)
  self:choose_method(mark)
  if not self:is_satisfied() then
    if self.strength == REQUIRED then error("could not satisfy a required constraint") end
    return nil
  end
  self:mark_inputs(mark)
  local out = self:output()
  local overridden = out.determined_by
  if overridden then overridden:mark_unsatisfied() end
  out.determined_by = self
  if not planner:add_propagate(self, mark) then error("cycle encountered") end
  out.mark = mark
  return overridden
end

function Constraint:destroy_constraint()
  if self:is_satisfied() then planner:incremental_remove(self) end
  self:remove_from_graph()
end

function Constraint:is_input() return false end

-- Unary constraints act on one variable.
local UnaryConstraint = class(Constraint)

function UnaryConstraint.init(self, v, strength)
  self.my_output, self.strength, self.satisfied = v, strength, false
  self:add_constraint()
  return self
end

function UnaryConstraint:add_to_graph()
  self.my_output:add_constraint(self)
  self.satisfied = false
end

function UnaryConstraint:choose_method(mark)
  local v = self.my_output
  self.satisfied = v.mark ~= mark and stronger(self.strength, v.walk_strength)
end

function UnaryConstraint:is_satisfied() return self.satisfied end
function UnaryConstraint:mark_inputs() end
function UnaryConstraint:output() return self.my_output end
function UnaryConstraint:mark_unsatisfied() self.satisfied = false end
function UnaryConstraint:inputs_known() return true end

function UnaryConstraint:recalculate()
  local v = self.my_output
  v.walk_strength = self.strength
  v.stay = not self:is_input()
  if v.stay then self:execute() end
end

function UnaryConstraint:remove_from_graph()
  if self.my_output then self.my_output:remove_constraint(self) end
  self.satisfied = false
end

-- A stay keeps its variable's value; an edit marks it as set from outside.
local StayConstraint = class(UnaryConstraint)
function StayConstraint.new(v, strength) return UnaryConstraint.init(setmetatable({}, StayConstraint), v, strength) end
function StayConstraint:execute() end

local EditConstraint = class(UnaryConstraint)
function EditConstraint.new(v, strength) return UnaryConstraint.init(setmetatable({}, EditConstraint), v, strength) end
function EditConstraint:is_input() return true end
function EditConstraint:execute() end

-- Binary constraints relate v1 and v2 and can be solved in either direction.
local BinaryConstraint = class(Constraint)

function BinaryConstraint.init(self, v1, v2, strength)
  self.v1, self.v2, self.strength, self.direction = v1, v2, strength, NONE
  self:add_constraint()
  return self
end

-- Solve for the variable that is not yet marked and is weaker than us.
function BinaryConstraint:choose_method(mark)
  local v1, v2, s = self.v1, self.v2, self.strength
  if v1.mark == mark then
    self.direction = (v2.mark ~= mark and stronger(s, v2.walk_strength)) and FORWARD or NONE
  elseif v2.mark == mark then
    self.direction = (v1.mark ~= mark and stronger(s, v1.walk_strength)) and BACKWARD or NONE
  elseif weaker(v1.walk_strength, v2.walk_strength) then
    self.direction = stronger(s, v1.walk_strength) and BACKWARD or NONE
  else
    self.direction = stronger(s, v2.walk_strength) and FORWARD or BACKWARD
  end
end

function BinaryConstraint:add_to_graph()
  self.v1:add_constraint(self)
  self.v2:add_constraint(self)
  self.direction = NONE
end

function BinaryConstraint:is_satisfied() return self.direction ~= NONE end
function BinaryConstraint:mark_inputs(mark) self:input().mark = mark end
function BinaryConstraint:input() return self.direction == FORWARD and self.v1 or self.v2 end
function BinaryConstraint:output() return self.direction == FORWARD and self.v2 or self.v1 end
function BinaryConstraint:mark_unsatisfied() self.direction = NONE end

function BinaryConstraint:inputs_known(mark)
  local i = self:input()
  return i.mark == mark or i.stay or i.determined_by == nil
end

function BinaryConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
  out.stay = ihn.stay
  if out.stay then self:execute() end
end

function BinaryConstraint:remove_from_graph()
  if self.v1 then self.v1:remove_constraint(self) end
  if self.v2 then self.v2:remove_constraint(self) end
  self.direction = NONE
end

-- dest = src * scale + offset, or the inverse when solved backwards.
local ScaleConstraint = class(BinaryConstraint)

function ScaleConstraint.new(src, scale, offset, dest, strength)
  local self = setmetatable({ scale = scale, offset = offset }, ScaleConstraint)
  return BinaryConstraint.init(self, src, dest, strength)
end

function ScaleConstraint:add_to_graph()
  BinaryConstraint.add_to_graph(self)
  self.scale:add_constraint(self)
  self.offset:add_constraint(self)
end

function ScaleConstraint:remove_from_graph()
  BinaryConstraint.remove_from_graph(self)
  if self.scale then self.scale:remove_constraint(self) end
  if self.offset then self.offset:remove_constraint(self) end
end

function ScaleConstraint:mark_inputs(mark)
  BinaryConstraint.mark_inputs(self, mark)
  self.scale.mark, self.offset.mark = mark, mark
end

function ScaleConstraint:execute()
  if self.direction == FORWARD then
    self.v2.value = self.v1.value * self.scale.value + self.offset.value
  else
    self.v1.value = (self.v2.value - self.offset.value) / self.scale.value
  end
end

function ScaleConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walk_strength = weakest_of(self.strength, ihn.walk_strength)
  out.stay = ihn.stay and self.scale.stay and self.offset.stay
  if out.stay then self:execute() end
end

-- v1 == v2.
local EqualityConstraint = class(BinaryConstraint)
function EqualityConstraint.new(v1, v2, strength)
  return BinaryConstraint.init(setmetatable({}, EqualityConstraint), v1, v2, strength)
end
function EqualityConstraint:execute() self:output().value = self:input().value end

---------------------------------------------------------------- plans
local Plan = class()
function Plan.new() return setmetatable({ n = 0 }, Plan) end
function Plan:add(c) self.n = self.n + 1; self[self.n] = c end
function Plan:execute() for i = 1, self.n do self[i]:execute() end end

---------------------------------------------------------------- planner
local Planner = class()
function Planner.new() return setmetatable({ current_mark = 0 }, Planner) end

function Planner:new_mark()
  self.current_mark = self.current_mark + 1
  return self.current_mark
end

-- Satisfy c, then re-satisfy whatever it overrode, down the chain.
function Planner:incremental_add(c)
  local mark = self:new_mark()
  local overridden = c:satisfy(mark)
  while overridden do overridden = overridden:satisfy(mark) end
end

-- Retract c, then try the constraints it left unsatisfied, strongest first.
function Planner:incremental_remove(c)
  local out = c:output()
  c:mark_unsatisfied()
  c:remove_from_graph()
  local unsatisfied = self:remove_propagate_from(out)
  for strength = REQUIRED, WEAKEST - 1 do
    for _, u in ipairs(unsatisfied) do
      if u.strength == strength then self:incremental_add(u) end
    end
  end
end

-- Append to todo every satisfied constraint reading v (except v's determiner).
local function add_constraints_consuming_to(v, todo)
  local determining = v.determined_by
  for _, c in ipairs(v.constraints) do
    if c ~= determining and c:is_satisfied() then todo[#todo + 1] = c end
  end
end

-- Order the constraints reachable from sources so each runs after its inputs.
function Planner:make_plan(sources)
  local mark = self:new_mark()
  local plan, todo, head = Plan.new(), sources, 1
  while head <= #todo do
    local c = todo[head]
    head = head + 1
    local out = c:output()
    if out.mark ~= mark and c:inputs_known(mark) then
      plan:add(c)
      out.mark = mark
      add_constraints_consuming_to(out, todo)
    end
  end
  return plan
end

function Planner:extract_plan_from_constraints(constraints)
  local sources = {}
  for _, c in ipairs(constraints) do
    if c:is_input() and c:is_satisfied() then sources[#sources + 1] = c end
  end
  return self:make_plan(sources)
end

-- Recompute walk strengths downstream of c; false if that walk finds a cycle.
function Planner:add_propagate(c, mark)
  local todo, head = { c }, 1
  while head <= #todo do
    local d = todo[head]
    head = head + 1
    if d:output().mark == mark then
      self:incremental_remove(c)
      return false
    end
    d:recalculate()
    add_constraints_consuming_to(d:output(), todo)
  end
  return true
end

-- Free everything downstream of out; return the constraints left unsatisfied.
function Planner:remove_propagate_from(out)
  out.determined_by, out.walk_strength, out.stay = nil, WEAKEST, true
  local unsatisfied, todo, head = {}, { out }, 1
  while head <= #todo do
    local v = todo[head]
    head = head + 1
    for _, c in ipairs(v.constraints) do
      if not c:is_satisfied() then unsatisfied[#unsatisfied + 1] = c end
    end
    local determining = v.determined_by
    for _, c in ipairs(v.constraints) do
      if c ~= determining and c:is_satisfied() then
        c:recalculate()
        todo[#todo + 1] = c:output()
      end
    end
  end
  return unsatisfied
end

---------------------------------------------------------------- tests
-- A chain of equalities; editing the first variable must drive the last.
local function chain_test(n)
  planner = Planner.new()
  local vars = {}
  for i = 0, n do vars[i] = Variable.new("v" .. i) end
  for i = 0, n - 1 do EqualityConstraint.new(vars[i], vars[i + 1], REQUIRED) end
  StayConstraint.new(vars[n], STRONG_DEFAULT)
  local first, last = vars[0], vars[n]
  local edit = EditConstraint.new(first, PREFERRED)
  local plan = planner:extract_plan_from_constraints({ edit })
  local sum = 0
  for i = 0, 99 do
    first.value = i
    plan:execute()
    if last.value ~= i then error("chain test failed") end
    sum = sum + last.value
  end
  return sum
end

-- Set v to value through a temporary edit constraint.
local function change(v, value)
  local edit = EditConstraint.new(v, PREFERRED)
  local plan = planner:extract_plan_from_constraints({ edit })
  for _ = 1, 10 do
    v.value = value
    plan:execute()
  end
  edit:destroy_constraint()
end

-- Scale constraints dst = src * scale + offset, solved in both directions.
local function projection_test(n)
  planner = Planner.new()
  local scale, offset = Variable.new("scale", 10), Variable.new("offset", 1000)
  local src, dst
  local dests = {}
  for i = 0, n - 1 do
    src, dst = Variable.new("src" .. i, i), Variable.new("dst" .. i, i)
    dests[i] = dst
    StayConstraint.new(src, NORMAL)
    ScaleConstraint.new(src, scale, offset, dst, REQUIRED)
  end
  change(src, 17)
  if dst.value ~= 1170 then error("projection 1 failed") end
  change(dst, 1050)
  if src.value ~= 5 then error("projection 2 failed") end
  change(scale, 5)
  for i = 0, n - 2 do
    if dests[i].value ~= i * 5 + 1000 then error("projection 3 failed") end
  end
  change(offset, 2000)
  local sum = 0
  for i = 0, n - 2 do
    if dests[i].value ~= i * 5 + 2000 then error("projection 4 failed") end
    sum = sum + dests[i].value
  end
  return sum
end

local chain_sum, projection_sum = 0, 0
for _ = 1, N do
  chain_sum = chain_sum + chain_test(SIZE)
  projection_sum = projection_sum + projection_test(SIZE)
end
print(string.format("deltablue %d rounds of %d: chain sum %d, projection sum %d, marks %d",
  N, SIZE, chain_sum, projection_sum, planner.current_mark))
