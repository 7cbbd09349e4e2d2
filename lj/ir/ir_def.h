// X-macro tables: the single source of truth for IR opcodes, IR types and the
// named literals the dump prints. Order and facts follow LuaJIT 2.1 (v2.1
// branch as of the reference build); the numbering is observable through
// jit.util.traceir, so never reorder.
#pragma once

// IR opcodes: (name, mode, operand-1 kind, operand-2 kind).
// Modes: N normal, R reference (same as N), C commutative, A allocation,
// L load, S store/side effect; a trailing W marks a *weak* guard: when the
// instruction carries a guard but its result is unused, DCE may drop it.
// Operand kinds: ref (an IR reference), lit (16-bit literal), cst (constant
// payload), none.
// Guards must stay aligned so that ^1 flips a comparison and ^4 toggles its
// unsigned variant.
#define LJ_IR_OPDEF(_) \
  _(LT, N, ref, ref) \
  _(GE, N, ref, ref) \
  _(LE, N, ref, ref) \
  _(GT, N, ref, ref) \
  _(ULT, N, ref, ref) \
  _(UGE, N, ref, ref) \
  _(ULE, N, ref, ref) \
  _(UGT, N, ref, ref) \
  _(EQ, C, ref, ref) \
  _(NE, C, ref, ref) \
  _(ABC, N, ref, ref) \
  _(RETF, S, ref, ref) \
  _(NOP, N, none, none) \
  _(BASE, N, lit, lit) \
  _(PVAL, N, lit, none) \
  _(GCSTEP, S, none, none) \
  _(HIOP, S, ref, ref) \
  _(LOOP, S, none, none) \
  _(USE, S, ref, none) \
  _(PHI, S, ref, ref) \
  _(RENAME, S, ref, lit) \
  _(PROF, S, none, none) \
  _(KPRI, N, none, none) \
  _(KINT, N, cst, none) \
  _(KGC, N, cst, none) \
  _(KPTR, N, cst, none) \
  _(KKPTR, N, cst, none) \
  _(KNULL, N, cst, none) \
  _(KNUM, N, cst, none) \
  _(KINT64, N, cst, none) \
  _(KSLOT, N, ref, lit) \
  _(BNOT, N, ref, none) \
  _(BSWAP, N, ref, none) \
  _(BAND, C, ref, ref) \
  _(BOR, C, ref, ref) \
  _(BXOR, C, ref, ref) \
  _(BSHL, N, ref, ref) \
  _(BSHR, N, ref, ref) \
  _(BSAR, N, ref, ref) \
  _(BROL, N, ref, ref) \
  _(BROR, N, ref, ref) \
  _(ADD, C, ref, ref) \
  _(SUB, N, ref, ref) \
  _(MUL, C, ref, ref) \
  _(DIV, N, ref, ref) \
  _(MOD, N, ref, ref) \
  _(POW, N, ref, ref) \
  _(NEG, N, ref, ref) \
  _(ABS, N, ref, ref) \
  _(LDEXP, N, ref, ref) \
  _(MIN, C, ref, ref) \
  _(MAX, C, ref, ref) \
  _(FPMATH, N, ref, lit) \
  _(ADDOV, CW, ref, ref) \
  _(SUBOV, NW, ref, ref) \
  _(MULOV, CW, ref, ref) \
  _(AREF, R, ref, ref) \
  _(HREFK, R, ref, ref) \
  _(HREF, L, ref, ref) \
  _(NEWREF, S, ref, ref) \
  _(UREFO, LW, ref, lit) \
  _(UREFC, LW, ref, lit) \
  _(FREF, R, ref, lit) \
  _(TMPREF, S, ref, lit) \
  _(STRREF, N, ref, ref) \
  _(LREF, L, none, none) \
  _(ALOAD, L, ref, none) \
  _(HLOAD, L, ref, none) \
  _(ULOAD, L, ref, none) \
  _(FLOAD, L, ref, lit) \
  _(XLOAD, L, ref, lit) \
  _(SLOAD, L, lit, lit) \
  _(VLOAD, L, ref, lit) \
  _(ALEN, L, ref, ref) \
  _(ASTORE, S, ref, ref) \
  _(HSTORE, S, ref, ref) \
  _(USTORE, S, ref, ref) \
  _(FSTORE, S, ref, ref) \
  _(XSTORE, S, ref, ref) \
  _(SNEW, N, ref, ref) \
  _(XSNEW, A, ref, ref) \
  _(TNEW, AW, lit, lit) \
  _(TDUP, AW, ref, none) \
  _(CNEW, AW, ref, ref) \
  _(CNEWI, NW, ref, ref) \
  _(BUFHDR, L, ref, lit) \
  _(BUFPUT, LW, ref, ref) \
  _(BUFSTR, AW, ref, ref) \
  _(TBAR, S, ref, none) \
  _(OBAR, S, ref, ref) \
  _(XBAR, S, none, none) \
  _(CONV, N, ref, lit) \
  _(TOBIT, N, ref, ref) \
  _(TOSTR, N, ref, lit) \
  _(STRTO, N, ref, none) \
  _(CALLN, N, ref, lit) \
  _(CALLA, A, ref, lit) \
  _(CALLL, L, ref, lit) \
  _(CALLS, S, ref, lit) \
  _(CALLXS, S, ref, ref) \
  _(CARG, N, ref, ref)

// IR types: (enum name, dump name, size in bytes as in GC64 mode).
#define LJ_IR_TYPEDEF(_) \
  _(NIL, "nil", 4) \
  _(FALSE, "fal", 4) \
  _(TRUE, "tru", 4) \
  _(LIGHTUD, "lud", 8) \
  _(STR, "str", 8) \
  _(P32, "p32", 4) \
  _(THREAD, "thr", 8) \
  _(PROTO, "pro", 8) \
  _(FUNC, "fun", 8) \
  _(P64, "p64", 8) \
  _(CDATA, "cdt", 8) \
  _(TAB, "tab", 8) \
  _(UDATA, "udt", 8) \
  _(FLOAT, "flt", 4) \
  _(NUM, "num", 8) \
  _(I8, "i8 ", 1) \
  _(U8, "u8 ", 1) \
  _(I16, "i16", 2) \
  _(U16, "u16", 2) \
  _(INT, "int", 4) \
  _(U32, "u32", 4) \
  _(I64, "i64", 8) \
  _(U64, "u64", 8) \
  _(SOFTFP, "sfp", 4)

// SLOAD mode bits in op2: (flag name, bit, dump letter).
#define LJ_IR_SLOADDEF(_) \
  _(kParent, 0x01, 'P') \
  _(kFrame, 0x02, 'F') \
  _(kTypeCheck, 0x04, 'T') \
  _(kConvert, 0x08, 'C') \
  _(kReadOnly, 0x10, 'R') \
  _(kInherit, 0x20, 'I') \
  _(kKeyIndex, 0x40, 'K')

// FPMATH sub-functions in op2 (the reference build's list and order).
#define LJ_IR_FPMDEF(_) \
  _(FLOOR, "floor") \
  _(CEIL, "ceil") \
  _(TRUNC, "trunc") \
  _(SQRT, "sqrt") \
  _(LOG, "log") \
  _(LOG2, "log2") \
  _(OTHER, "other")

// Trace aborts the IR layer and its passes can raise, with LuaJIT's messages.
#define LJ_IR_ABORTDEF(_) \
  _(kGuardFail, "guard would always fail") \
  _(kTooManyPhis, "too many PHIs") \
  _(kTypeInstability, "persistent type instability") \
  _(kTraceTooLong, "trace too long") \
  _(kTooManyConstants, "trace too long") \
  _(kTooManySnapshots, "too many snapshots")
