// The reference evaluator: the executable specification of the IR. It runs a
// trace — including the loop after LOOP with its PHIs, or a whole trace that
// links to itself — over an abstract machine state and reports which exit
// was taken and the state the snapshot restores. Every optimization and the
// backend are tested against it. Semantics per opcode: docs/ir.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lj/ir/binding.h"
#include "lj/ir/ir.h"

namespace lj::ir {

// Objects the trace can reach: fields (FLOAD/FSTORE), an array part
// (AREF/ALOAD/ASTORE), a hash part (HREF*/HLOAD/HSTORE), upvalues
// (UREF*/ULOAD/USTORE).
struct Object {
  IrType type = IrType::TAB;
  std::map<uint16_t, Value> fields;
  std::vector<Value> array;
  std::vector<std::pair<Value, Value>> hash;  // insertion order, unique keys
  std::vector<Value> upvalues;
  // Per upvalue: 1 while open (its value still lives in a stack slot), 0
  // once closed; upvalues past the vector's end are closed. UREFO guards
  // "open", UREFC "closed".
  std::vector<uint8_t> upvalue_open;
  // GC colours, as LuaJIT's `marked` bits (gc_marked::kBlack, kWhites), of
  // the object and of each upvalue (past the vector's end: 0). The write
  // barriers read them: TBAR turns a black table gray again and puts it on
  // the gray-again list (`gray_again`); OBAR, storing a white object into a
  // black upvalue, marks the object (clears its white bits).
  uint8_t marked = 0;
  std::vector<uint8_t> upvalue_marked;
  bool gray_again = false;
  // A string's bytes (type STR: SNEW, TOSTR, BUFSTR make them, interned: one
  // object per content), or a string buffer's contents (BUFHDR, BUFPUT).
  std::string text;
  friend bool operator==(const Object&, const Object&) = default;
};


struct MachineState {
  // The value stack the interpreter sees. Numbers are stored as NUM: the
  // model has no dual-number mode, so restoring an INT writes a double.
  std::map<int32_t, Value> slots;
  // Objects by id (the payload of a GC value).
  std::map<uint64_t, Object> objects;
  uint64_t next_object_id = 0x100000;
  friend bool operator==(const MachineState&, const MachineState&) = default;
};

enum class Outcome : uint8_t {
  kGuardExit,       // a guard failed; `snapshot` was restored
  kIterationLimit,  // the loop ran max_iterations times; last snapshot restored
  kTraceEnd,        // a non-looping trace ran to its end; last snapshot restored
  kInvalid,         // the trace uses something the evaluator can't execute
};

struct EvalResult {
  Outcome outcome = Outcome::kInvalid;
  int snapshot = -1;       // snapshot number restored
  Ref guard = 0;           // failed guard (kGuardExit)
  int iterations = 0;      // complete loop iterations before the exit
  std::map<int32_t, Value> restored;  // slot → value written by the snapshot
  MachineState state;      // the state after restoring
  std::string error;       // for kInvalid
  // With EvalOptions::record_crossings: for every guard that held, in
  // execution order, what an exit through its snapshot would have
  // restored there (outcome kGuardExit; no nested crossings).
  std::vector<EvalResult> crossings;
};

struct EvalOptions {
  int max_iterations = 64;
  // Record EvalResult::crossings (costly: copies the state at each guard).
  // Lets a test ask whether a trace that exits earlier than this one
  // still exits to a state this run passed through.
  bool record_crossings = false;
  // Also record a crossing where each snapshot's range begins (before its
  // first instruction), guard or not: for passes that add guards (NARROW's
  // overflow checks), an exit there is one the program could have taken.
  bool record_snapshot_crossings = false;
};

EvalResult evaluate(const Trace& trace, const Binding& binding,
                    MachineState state, EvalOptions options = {});

// The arithmetic the evaluator and constant folding share, so a folded
// constant is by construction what the instruction would have computed.
// Each throws for an operation outside its type's domain.
namespace semantics {
double num_arith(Op op, double a, double b);
int32_t int_arith(Op op, int32_t a, int32_t b);
int64_t int64_arith(Op op, int64_t a, int64_t b);
bool compare(Op op, const Value& a, const Value& b);
// CONV with mode `op2`; *ok turns false when a checked conversion is inexact.
// Numbers truncate to int and u32 as x86-64's cvttsd2si (docs/ir.md).
Value convert(uint16_t op2, bool guarded, const Value& v, bool* ok);
double fpmath(FpMath f, double x);
// TOSTR of a number as LuaJIT's lj_strfmt_num: "%.14g", NaN as "nan".
std::string number_to_string(double x);
// STRTO as LuaJIT's lj_strscan_num: a decimal or 0x hex number (hex
// fractions and p exponents too), inf, infinity or nan in any case, with
// optional sign and surrounding whitespace; false for anything else.
bool string_to_number(std::string_view text, double* out);
// Does `op` have a defined result for these operands (e.g. no MOD by 0)?
bool int_arith_defined(Op op, int32_t a, int32_t b);
}  // namespace semantics

// Normalizes a value the way a slot stores it (integers become numbers).
Value slot_value(const Value& v);

// "guard 0005 failed, snapshot #2" and the restored slots, for failures.
std::string describe(const EvalResult& result);

}  // namespace lj::ir
