-- Object orientation with metatables: classes, inheritance with super
-- calls, class-level counters, tostring, polymorphic dispatch over a list of
-- shapes. Pure Lua 5.1.
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  c.new = function(...)
    local o = setmetatable({}, c)
    if o.init then o:init(...) end
    return o
  end
  c.super = parent
  return c
end

local Shape = class()
Shape.count = 0
function Shape:init(name) self.name = name Shape.count = Shape.count + 1 end
function Shape:area() return 0 end
function Shape:describe() return string.format("%s with area %.2f", self.name, self:area()) end
Shape.__tostring = function(s) return "Shape(" .. s.name .. ")" end

local Rect = class(Shape)
function Rect:init(w, h) Shape.init(self, "rect") self.w, self.h = w, h end
function Rect:area() return self.w * self.h end
Rect.__tostring = Shape.__tostring

local Square = class(Rect)
function Square:init(s) Rect.init(self, s, s) self.name = "square" end
Square.__tostring = function(s) return "Square[" .. s.w .. "]" end

local Circle = class(Shape)
function Circle:init(r) self.super.init(self, "circle") self.r = r end
function Circle:area() return math.pi * self.r ^ 2 end

local shapes = { Rect.new(2, 3), Square.new(4), Circle.new(1), Shape.new("blob") }
for _, s in ipairs(shapes) do print(s:describe()) end
print(tostring(shapes[1]), tostring(shapes[2]), Shape.count)
print(getmetatable(shapes[2]) == Square, Square.super == Rect, Rect.super == Shape)
table.sort(shapes, function(a, b) return a:area() < b:area() end)
local names = {}
for i, s in ipairs(shapes) do names[i] = s.name end
print(table.concat(names, " < "))
print(rawget(Square, "area") == nil, Square.area == Rect.area)
