// Lua source -> LuaJIT 2.1 bytecode in one pass.
//
// The code generator follows the reference parser's algorithms so that the
// output is identical: expression descriptors that delay code emission,
// jump lists threaded through the jump instructions themselves, a strict
// stack discipline for temporaries (freereg), and the same peephole choices
// (constant operands, KNIL merging, UCLO+JMP fusion, tail calls). See
// docs/frontend.md for the walk-through.
#include "lj/vm/parse/parser.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lj/base/table_rules.h"
#include "lj/vm/parse/lexer.h"

namespace lj::parse {

namespace {

using bc::Op;

// LuaJIT's limits (lj_def.h).
constexpr uint32_t kMaxLocals = 200;
constexpr uint32_t kMaxUpvalues = 60;
constexpr uint32_t kMaxSlots = 250;
constexpr uint32_t kMaxLevel = 200;
constexpr uint32_t kMaxVarStack = 65536 - kMaxUpvalues;
constexpr uint32_t kMaxInstructions = 1u << 26;

// GC64 frames (LJ_FR2): a call's arguments start two slots above the
// function, the slot in between holds the frame link.
constexpr uint32_t kFrameLinkSlots = 1;

constexpr uint32_t kNoJump = ~0u;
constexpr uint32_t kNoReg = bc::kNoReg;

// Flags kept only while a function is being parsed.
constexpr uint8_t kHasReturn = 0x20;
constexpr uint8_t kFixupReturn = 0x40;

// A broken internal invariant. It stays checked in every build and is
// reported as an error (never a crash); tests treat it as a bug.
struct InternalError {
  const char* what;
};

void Check(bool ok, const char* what) {
  if (!ok) throw InternalError{what};
}

// Expression kinds. Constants come first and in this order (their index is
// the KPRI encoding for nil/false/true).
enum class ExpKind : uint8_t {
  kNil, kFalse, kTrue, kStr, kNum,
  kLocal,      // info = register, aux = variable stack index
  kUpval,      // info = upvalue index, aux = variable stack index
  kGlobal,     // str = name
  kIndexed,    // info = table register, aux = key register/byte/~string
  kJump,       // info = pc of the jump
  kRelocable,  // info = pc of the instruction whose A is still free
  kNonReloc,   // info = register holding the value
  kCall,       // info = pc of the call, aux = base register
  kVoid
};

struct ExpDesc {
  ExpKind k = ExpKind::kVoid;
  uint32_t info = 0;
  uint32_t aux = 0;
  double num = 0;
  const std::string* str = nullptr;
  uint32_t t = kNoJump;  // Jumps taken when the value is true.
  uint32_t f = kNoJump;  // Jumps taken when the value is false.

  void Init(ExpKind kind, uint32_t i) {
    k = kind;
    info = i;
    t = f = kNoJump;
  }
  bool HasJump() const { return t != f; }
  bool IsConst() const { return k <= ExpKind::kNum; }
  bool IsConstNoJump() const { return IsConst() && !HasJump(); }
  bool IsNum() const { return k == ExpKind::kNum; }
  bool IsNumNoJump() const { return IsNum() && !HasJump(); }
  bool IsStr() const { return k == ExpKind::kStr; }
};

// Scope flags.
constexpr uint8_t kScopeLoop = 0x01;
constexpr uint8_t kScopeBreak = 0x02;
constexpr uint8_t kScopeGotoLabel = 0x04;
constexpr uint8_t kScopeUpval = 0x08;
constexpr uint8_t kScopeNoClose = 0x10;

struct Scope {
  Scope* prev = nullptr;
  uint32_t vstart = 0;   // First variable-stack entry of this scope.
  uint8_t nactvar = 0;   // Active locals outside the scope.
  uint8_t flags = 0;
};

// Variable-stack entry: a local, a pending goto or a label.
constexpr uint8_t kVarReadWrite = 0x01;
constexpr uint8_t kVarGoto = 0x02;
constexpr uint8_t kVarLabel = 0x04;

struct VarSlot {
  const std::string* name = nullptr;
  uint32_t startpc = 0;
  uint32_t endpc = 0;
  uint8_t slot = 0;
  uint8_t info = 0;
  bool IsGoto() const { return info & kVarGoto; }
  bool IsLabel() const { return info & kVarLabel; }
};

struct InsLine {
  uint32_t ins;
  int32_t line;
};

struct FuncState {
  FuncState* prev = nullptr;
  Scope* scope = nullptr;
  std::vector<InsLine> code;
  uint32_t lasttarget = 0;  // Last pc that is a jump target.
  uint32_t jpc = kNoJump;   // Jumps pending to the next instruction.
  uint32_t freereg = 0;
  uint32_t nactvar = 0;
  int32_t linedefined = 0;
  uint32_t vbase = 0;
  uint8_t flags = 0;
  uint8_t numparams = 0;
  uint8_t framesize = 1;
  uint8_t nuv = 0;
  uint16_t varmap[kMaxLocals] = {};
  uint16_t uvmap[kMaxUpvalues] = {};
  uint16_t uvtmp[kMaxUpvalues] = {};
  std::shared_ptr<bc::Proto> proto = std::make_shared<bc::Proto>();
  absl::flat_hash_map<uint64_t, uint32_t> num_index;
  absl::flat_hash_map<const void*, uint32_t> gc_index;

  uint32_t pc() const { return static_cast<uint32_t>(code.size()); }
  uint32_t& Ins(uint32_t pc) { return code[pc].ins; }
};

// Binary operators in LuaJIT's ORDER OPR (arithmetic matches ADDVV order,
// comparisons match ISLT order).
enum BinOpr {
  kOprAdd, kOprSub, kOprMul, kOprDiv, kOprMod, kOprPow, kOprConcat,
  kOprNe, kOprEq, kOprLt, kOprGe, kOprLe, kOprGt, kOprAnd, kOprOr, kOprNone
};

struct Priority {
  uint8_t left, right;
};
constexpr Priority kPriority[] = {
    {6, 6}, {6, 6}, {7, 7}, {7, 7}, {7, 7},  // + - * / %
    {10, 9}, {5, 4},                         // ^ .. (right associative)
    {3, 3}, {3, 3},                          // ~= ==
    {3, 3}, {3, 3}, {3, 3}, {3, 3},          // < >= <= >
    {2, 2}, {1, 1}                           // and or
};
constexpr uint32_t kUnaryPriority = 8;

Op OpPlus(Op op, int delta) {
  return static_cast<Op>(static_cast<int>(op) + delta);
}

// The name LuaJIT gives `break` targets; never equal to a real name.
const std::string kBreakName = "(break)";

class Parser {
 public:
  Parser(std::string_view source, std::string chunkname)
      : lex_(source, std::move(chunkname)) {}

  std::shared_ptr<bc::Proto> ParseChunk();

 private:
  // -- Errors --------------------------------------------------------------
  [[noreturn]] void ErrSyntax(std::string_view msg) { lex_.Error(lex_.tok, msg); }
  [[noreturn]] void ErrToken(int tok) {
    lex_.Error(lex_.tok,
               absl::StrFormat("'%s' expected", Lexer::TokenToString(tok)));
  }
  [[noreturn]] void ErrLimit(FuncState* fs, uint32_t limit, const char* what) {
    if (fs->linedefined == 0) {
      lex_.Error(0, absl::StrFormat("main function has more than %d %s", limit,
                                    what));
    }
    lex_.Error(0, absl::StrFormat("function at line %d has more than %d %s",
                                  fs->linedefined, limit, what));
  }
  void CheckLimit(FuncState* fs, uint32_t v, uint32_t limit, const char* what) {
    if (v >= limit) ErrLimit(fs, limit, what);
  }

  // -- Constants -----------------------------------------------------------
  uint32_t ConstNum(FuncState* fs, double n);
  uint32_t ConstGc(FuncState* fs, const void* key, bc::GcConst value);
  uint32_t ConstStr(FuncState* fs, const std::string* s) {
    return ConstGc(fs, s, *s);
  }

  // -- Jump lists ----------------------------------------------------------
  uint32_t JmpNext(FuncState* fs, uint32_t pc);
  bool JmpNoValue(FuncState* fs, uint32_t list);
  bool JmpPatchTestReg(FuncState* fs, uint32_t pc, uint32_t reg);
  void JmpDropVal(FuncState* fs, uint32_t list);
  void JmpPatchIns(FuncState* fs, uint32_t pc, uint32_t dest);
  void JmpAppend(FuncState* fs, uint32_t* l1, uint32_t l2);
  void JmpPatchVal(FuncState* fs, uint32_t list, uint32_t vtarget,
                   uint32_t reg, uint32_t dtarget);
  void JmpToHere(FuncState* fs, uint32_t list);
  void JmpPatch(FuncState* fs, uint32_t list, uint32_t target);

  // -- Registers -----------------------------------------------------------
  void RegBump(FuncState* fs, uint32_t n);
  void RegReserve(FuncState* fs, uint32_t n);
  void RegFree(FuncState* fs, uint32_t reg);
  void ExprFree(FuncState* fs, const ExpDesc* e);

  // -- Emitting ------------------------------------------------------------
  uint32_t Emit(FuncState* fs, uint32_t ins);
  uint32_t EmitABC(FuncState* fs, Op op, uint32_t a, uint32_t b, uint32_t c) {
    return Emit(fs, bc::EncodeABC(op, a, b, c));
  }
  uint32_t EmitAD(FuncState* fs, Op op, uint32_t a, uint32_t d) {
    return Emit(fs, bc::EncodeAD(op, a, d));
  }
  uint32_t EmitAJ(FuncState* fs, Op op, uint32_t a, int32_t j) {
    return Emit(fs, bc::EncodeAJ(op, a, j));
  }
  void Discharge(FuncState* fs, ExpDesc* e);
  void EmitNil(FuncState* fs, uint32_t from, uint32_t n);
  void ToRegNoBranch(FuncState* fs, ExpDesc* e, uint32_t reg);
  void ToReg(FuncState* fs, ExpDesc* e, uint32_t reg);
  void ToNextReg(FuncState* fs, ExpDesc* e);
  uint32_t ToAnyReg(FuncState* fs, ExpDesc* e);
  void ToVal(FuncState* fs, ExpDesc* e);
  void EmitStore(FuncState* fs, ExpDesc* var, ExpDesc* e);
  void EmitMethod(FuncState* fs, ExpDesc* e, ExpDesc* key);
  uint32_t EmitJmp(FuncState* fs);
  void InvertCond(FuncState* fs, ExpDesc* e);
  uint32_t EmitBranch(FuncState* fs, ExpDesc* e, bool cond);
  void BranchTrue(FuncState* fs, ExpDesc* e);
  void BranchFalse(FuncState* fs, ExpDesc* e);
  bool FoldArith(BinOpr opr, ExpDesc* e1, ExpDesc* e2);
  void EmitArith(FuncState* fs, BinOpr opr, ExpDesc* e1, ExpDesc* e2);
  void EmitComp(FuncState* fs, BinOpr opr, ExpDesc* e1, ExpDesc* e2);
  void EmitBinopLeft(FuncState* fs, BinOpr op, ExpDesc* e);
  void EmitBinop(FuncState* fs, BinOpr op, ExpDesc* e1, ExpDesc* e2);
  void EmitUnop(FuncState* fs, Op op, ExpDesc* e);

  // -- Token helpers -------------------------------------------------------
  bool LexOpt(int tok);
  void LexCheck(int tok);
  void LexMatch(int what, int who, int32_t line);
  const std::string* LexStr();
  bool IsNameToken() const {
    return lex_.tok == kTok_name || lex_.tok == kTok_goto;
  }

  // -- Variables -----------------------------------------------------------
  VarSlot& VarGet(FuncState* fs, uint32_t i) { return vstack_[fs->varmap[i]]; }
  void VarNew(uint32_t n, const std::string* name);
  void VarAdd(uint32_t nvars);
  void VarRemove(uint32_t tolevel);
  int32_t VarLookupLocal(FuncState* fs, const std::string* name);
  uint32_t VarLookupUpval(FuncState* fs, uint32_t vidx, ExpDesc* e);
  int32_t VarLookup(FuncState* fs, const std::string* name, ExpDesc* e,
                    bool first);
  void VarLookupName(ExpDesc* e) { VarLookup(fs_, LexStr(), e, true); }

  // -- Goto and labels -----------------------------------------------------
  uint32_t GolaNew(const std::string* name, uint8_t info, uint32_t pc);
  void GolaPatch(VarSlot* vg, const VarSlot& vl);
  void GolaClose(VarSlot* vg);
  void GolaResolve(Scope* bl, uint32_t end, const VarSlot& label);
  void GolaFixup(Scope* bl);
  int32_t GolaFindLabel(const std::string* name);

  // -- Scopes and functions ------------------------------------------------
  void ScopeBegin(FuncState* fs, Scope* bl, uint8_t flags);
  void ScopeEnd(FuncState* fs);
  void ScopeMarkUpval(FuncState* fs, uint32_t level);
  void FixupReturn(FuncState* fs);
  void FixupChildUpvalues(bc::Proto* child);
  std::shared_ptr<bc::Proto> FuncFinish(int32_t line);
  void FuncInit(FuncState* fs);

  // -- Expressions ---------------------------------------------------------
  void ExprStr(ExpDesc* e);
  void ExprIndex(FuncState* fs, ExpDesc* t, ExpDesc* e);
  void ExprField(ExpDesc* v);
  void ExprBracket(ExpDesc* v);
  void ExprTable(ExpDesc* e);
  uint32_t ParseParams(bool needself);
  void ParseBody(ExpDesc* e, bool needself, int32_t line);
  uint32_t ExprList(ExpDesc* v);
  void ParseArgs(ExpDesc* e);
  void ExprPrimary(ExpDesc* v);
  void ExprSimple(ExpDesc* v);
  void LevelBegin();
  void LevelEnd() { --level_; }
  void ExprUnop(ExpDesc* v);
  BinOpr ExprBinop(ExpDesc* v, uint32_t limit);
  void Expr(ExpDesc* v) { ExprBinop(v, 0); }
  void ExprNext();
  uint32_t ExprCond();

  // -- Statements ----------------------------------------------------------
  struct LhsVar {
    ExpDesc v;
    LhsVar* prev;
  };
  void AssignHazard(LhsVar* lh, const ExpDesc* v);
  void AssignAdjust(uint32_t nvars, uint32_t nexps, ExpDesc* e);
  void ParseAssignment(LhsVar* lh, uint32_t nvars);
  void ParseCallAssign();
  void ParseLocal();
  void ParseFunc(int32_t line);
  static bool IsBlockEnd(int tok);
  void ParseReturn();
  void ParseBreak();
  void ParseGoto();
  void ParseLabel();
  void ParseBlock();
  void ParseWhile(int32_t line);
  void ParseRepeat(int32_t line);
  void ParseForNum(const std::string* varname, int32_t line);
  bool PredictNext(FuncState* fs, uint32_t pc);
  void ParseForIter(const std::string* indexname);
  void ParseFor(int32_t line);
  uint32_t ParseThen();
  void ParseIf(int32_t line);
  bool ParseStatement();
  void ParseStatements();

  Lexer lex_;
  FuncState* fs_ = nullptr;
  std::vector<VarSlot> vstack_;
  uint32_t vtop_ = 0;
  uint32_t level_ = 0;
};

// ---------------------------------------------------------------------------
// Constants: numbers and GC objects get indexes in order of first use.

uint32_t Parser::ConstNum(FuncState* fs, double n) {
  if (n == 0) n = 0;  // +0 and -0 are one table key.
  uint64_t bits;
  std::memcpy(&bits, &n, sizeof bits);
  auto [it, inserted] =
      fs->num_index.try_emplace(bits, static_cast<uint32_t>(fs->proto->num_consts.size()));
  if (inserted) fs->proto->num_consts.push_back(n);
  return it->second;
}

uint32_t Parser::ConstGc(FuncState* fs, const void* key, bc::GcConst value) {
  auto [it, inserted] = fs->gc_index.try_emplace(
      key, static_cast<uint32_t>(fs->proto->gc_consts.size()));
  if (inserted) fs->proto->gc_consts.push_back(std::move(value));
  return it->second;
}

// ---------------------------------------------------------------------------
// Jump lists: each pending jump's D operand links to the next one.

uint32_t Parser::JmpNext(FuncState* fs, uint32_t pc) {
  int32_t delta = bc::JOf(fs->Ins(pc));
  if (delta == -1) return kNoJump;
  return static_cast<uint32_t>(static_cast<int32_t>(pc) + 1 + delta);
}

// True if some jump on the list does not come from a value-producing test.
bool Parser::JmpNoValue(FuncState* fs, uint32_t list) {
  for (; list != kNoJump; list = JmpNext(fs, list)) {
    uint32_t p = fs->Ins(list >= 1 ? list - 1 : list);
    Op op = bc::OpOf(p);
    if (!(op == Op::ISTC || op == Op::ISFC || bc::AOf(p) == kNoReg)) return true;
  }
  return false;
}

// Points a test-and-copy at `reg`, or turns it into a plain test.
bool Parser::JmpPatchTestReg(FuncState* fs, uint32_t pc, uint32_t reg) {
  InsLine* ilp = &fs->code[pc >= 1 ? pc - 1 : pc];
  Op op = bc::OpOf(ilp->ins);
  if (op == Op::ISTC || op == Op::ISFC) {
    if (reg != kNoReg && reg != bc::DOf(ilp->ins)) {
      ilp->ins = bc::WithA(ilp->ins, reg);
    } else {
      ilp->ins = bc::WithA(bc::WithOp(ilp->ins, OpPlus(op, int(Op::IST) - int(Op::ISTC))), 0);
    }
  } else if (bc::AOf(ilp->ins) == kNoReg) {
    // A constant loaded for a value-less branch (KPRI 255 + JMP).
    if (reg == kNoReg) {
      ilp->ins = bc::EncodeAJ(Op::JMP, bc::AOf(fs->Ins(pc)), 0);
    } else {
      ilp->ins = bc::WithA(ilp->ins, reg);
      if (reg >= bc::AOf(ilp[1].ins)) ilp[1].ins = bc::WithA(ilp[1].ins, reg + 1);
    }
  } else {
    return false;
  }
  return true;
}

void Parser::JmpDropVal(FuncState* fs, uint32_t list) {
  for (; list != kNoJump; list = JmpNext(fs, list)) JmpPatchTestReg(fs, list, kNoReg);
}

void Parser::JmpPatchIns(FuncState* fs, uint32_t pc, uint32_t dest) {
  Check(dest != kNoJump, "patching jump to nowhere");
  int64_t offset = int64_t(dest) - (int64_t(pc) + 1) + bc::kJumpBias;
  if (offset < 0 || offset > bc::kMaxD) ErrSyntax("control structure too long");
  fs->Ins(pc) = bc::WithD(fs->Ins(pc), static_cast<uint32_t>(offset));
}

void Parser::JmpAppend(FuncState* fs, uint32_t* l1, uint32_t l2) {
  if (l2 == kNoJump) return;
  if (*l1 == kNoJump) {
    *l1 = l2;
    return;
  }
  uint32_t list = *l1;
  for (uint32_t next; (next = JmpNext(fs, list)) != kNoJump;) list = next;
  JmpPatchIns(fs, list, l2);
}

void Parser::JmpPatchVal(FuncState* fs, uint32_t list, uint32_t vtarget,
                         uint32_t reg, uint32_t dtarget) {
  while (list != kNoJump) {
    uint32_t next = JmpNext(fs, list);
    if (JmpPatchTestReg(fs, list, reg)) {
      JmpPatchIns(fs, list, vtarget);
    } else {
      JmpPatchIns(fs, list, dtarget);
    }
    list = next;
  }
}

void Parser::JmpToHere(FuncState* fs, uint32_t list) {
  fs->lasttarget = fs->pc();
  JmpAppend(fs, &fs->jpc, list);
}

void Parser::JmpPatch(FuncState* fs, uint32_t list, uint32_t target) {
  if (target == fs->pc()) {
    JmpToHere(fs, list);
  } else {
    Check(target < fs->pc(), "forward jump patch");
    JmpPatchVal(fs, list, target, kNoReg, target);
  }
}

// ---------------------------------------------------------------------------
// Registers: locals occupy [0, nactvar), temporaries a stack above them.

void Parser::RegBump(FuncState* fs, uint32_t n) {
  uint32_t size = fs->freereg + n;
  if (size > fs->framesize) {
    if (size >= kMaxSlots) ErrSyntax("function or expression too complex");
    fs->framesize = static_cast<uint8_t>(size);
  }
}

void Parser::RegReserve(FuncState* fs, uint32_t n) {
  RegBump(fs, n);
  fs->freereg += n;
}

void Parser::RegFree(FuncState* fs, uint32_t reg) {
  if (reg >= fs->nactvar) {
    fs->freereg--;
    Check(reg == fs->freereg, "register freed out of order");
  }
}

void Parser::ExprFree(FuncState* fs, const ExpDesc* e) {
  if (e->k == ExpKind::kNonReloc) RegFree(fs, e->info);
}

// ---------------------------------------------------------------------------
// Emitting instructions and discharging expressions.

uint32_t Parser::Emit(FuncState* fs, uint32_t ins) {
  uint32_t pc = fs->pc();
  JmpPatchVal(fs, fs->jpc, pc, kNoReg, pc);
  fs->jpc = kNoJump;
  if (pc >= kMaxInstructions) ErrLimit(fs, kMaxInstructions, "bytecode instructions");
  fs->code.push_back({ins, lex_.lastline});
  return pc;
}

// Turns variables and indexing into instructions (value not yet placed).
void Parser::Discharge(FuncState* fs, ExpDesc* e) {
  uint32_t ins;
  if (e->k == ExpKind::kUpval) {
    ins = bc::EncodeAD(Op::UGET, 0, e->info);
  } else if (e->k == ExpKind::kGlobal) {
    ins = bc::EncodeAD(Op::GGET, 0, ConstStr(fs, e->str));
  } else if (e->k == ExpKind::kIndexed) {
    uint32_t rc = e->aux;
    if (static_cast<int32_t>(rc) < 0) {
      ins = bc::EncodeABC(Op::TGETS, 0, e->info, ~rc);
    } else if (rc > bc::kMaxC) {
      ins = bc::EncodeABC(Op::TGETB, 0, e->info, rc - (bc::kMaxC + 1));
    } else {
      RegFree(fs, rc);
      ins = bc::EncodeABC(Op::TGETV, 0, e->info, rc);
    }
    RegFree(fs, e->info);
  } else if (e->k == ExpKind::kCall) {
    e->info = e->aux;
    e->k = ExpKind::kNonReloc;
    return;
  } else if (e->k == ExpKind::kLocal) {
    e->k = ExpKind::kNonReloc;
    return;
  } else {
    return;
  }
  e->info = Emit(fs, ins);
  e->k = ExpKind::kRelocable;
}

// Sets registers to nil, merging with a preceding KPRI nil / KNIL.
void Parser::EmitNil(FuncState* fs, uint32_t from, uint32_t n) {
  if (fs->pc() > fs->lasttarget) {
    uint32_t* ip = &fs->Ins(fs->pc() - 1);
    uint32_t pfrom = bc::AOf(*ip);
    switch (bc::OpOf(*ip)) {
      case Op::KPRI:
        if (bc::DOf(*ip) != bc::kPriNil) break;
        if (from == pfrom) {
          if (n == 1) return;
        } else if (from == pfrom + 1) {
          from = pfrom;
          n++;
        } else {
          break;
        }
        *ip = bc::EncodeAD(Op::KNIL, from, from + n - 1);
        return;
      case Op::KNIL: {
        uint32_t pto = bc::DOf(*ip);
        if (pfrom <= from && from <= pto + 1) {
          if (from + n - 1 > pto) *ip = bc::WithD(*ip, from + n - 1);
          return;
        }
        break;
      }
      default:
        break;
    }
  }
  Emit(fs, n == 1 ? bc::EncodeAD(Op::KPRI, from, bc::kPriNil)
                  : bc::EncodeAD(Op::KNIL, from, from + n - 1));
}

void Parser::ToRegNoBranch(FuncState* fs, ExpDesc* e, uint32_t reg) {
  uint32_t ins;
  Discharge(fs, e);
  if (e->k == ExpKind::kStr) {
    ins = bc::EncodeAD(Op::KSTR, reg, ConstStr(fs, e->str));
  } else if (e->k == ExpKind::kNum) {
    double n = e->num;
    if (n >= -32768.0 && n <= 32767.0 && n == std::trunc(n)) {
      ins = bc::EncodeAD(Op::KSHORT, reg,
                         static_cast<uint16_t>(static_cast<int32_t>(n)));
    } else {
      ins = bc::EncodeAD(Op::KNUM, reg, ConstNum(fs, n));
    }
  } else if (e->k == ExpKind::kRelocable) {
    fs->Ins(e->info) = bc::WithA(fs->Ins(e->info), reg);
    e->info = reg;
    e->k = ExpKind::kNonReloc;
    return;
  } else if (e->k == ExpKind::kNonReloc) {
    if (reg == e->info) return;
    ins = bc::EncodeAD(Op::MOV, reg, e->info);
  } else if (e->k == ExpKind::kNil) {
    EmitNil(fs, reg, 1);
    e->info = reg;
    e->k = ExpKind::kNonReloc;
    return;
  } else if (e->k <= ExpKind::kTrue) {
    ins = bc::EncodeAD(Op::KPRI, reg, static_cast<uint32_t>(e->k));
  } else {
    Check(e->k == ExpKind::kVoid || e->k == ExpKind::kJump, "bad expression");
    return;
  }
  Emit(fs, ins);
  e->info = reg;
  e->k = ExpKind::kNonReloc;
}

// Places the value in `reg`, materializing true/false for pending jumps.
void Parser::ToReg(FuncState* fs, ExpDesc* e, uint32_t reg) {
  ToRegNoBranch(fs, e, reg);
  if (e->k == ExpKind::kJump) JmpAppend(fs, &e->t, e->info);
  if (e->HasJump()) {
    uint32_t jfalse = kNoJump, jtrue = kNoJump;
    if (JmpNoValue(fs, e->t) || JmpNoValue(fs, e->f)) {
      uint32_t jval = e->k == ExpKind::kJump ? kNoJump : EmitJmp(fs);
      jfalse = EmitAD(fs, Op::KPRI, reg, bc::kPriFalse);
      EmitAJ(fs, Op::JMP, fs->freereg, 1);
      jtrue = EmitAD(fs, Op::KPRI, reg, bc::kPriTrue);
      JmpToHere(fs, jval);
    }
    uint32_t jend = fs->pc();
    fs->lasttarget = jend;
    JmpPatchVal(fs, e->f, jend, reg, jfalse);
    JmpPatchVal(fs, e->t, jend, reg, jtrue);
  }
  e->f = e->t = kNoJump;
  e->info = reg;
  e->k = ExpKind::kNonReloc;
}

void Parser::ToNextReg(FuncState* fs, ExpDesc* e) {
  Discharge(fs, e);
  ExprFree(fs, e);
  RegReserve(fs, 1);
  ToReg(fs, e, fs->freereg - 1);
}

uint32_t Parser::ToAnyReg(FuncState* fs, ExpDesc* e) {
  Discharge(fs, e);
  if (e->k == ExpKind::kNonReloc) {
    if (!e->HasJump()) return e->info;
    if (e->info >= fs->nactvar) {
      ToReg(fs, e, e->info);
      return e->info;
    }
  }
  ToNextReg(fs, e);
  return e->info;
}

void Parser::ToVal(FuncState* fs, ExpDesc* e) {
  if (e->HasJump()) {
    ToAnyReg(fs, e);
  } else {
    Discharge(fs, e);
  }
}

// Stores `e` into the variable, upvalue, global or table slot `var`.
void Parser::EmitStore(FuncState* fs, ExpDesc* var, ExpDesc* e) {
  uint32_t ins;
  if (var->k == ExpKind::kLocal) {
    vstack_[var->aux].info |= kVarReadWrite;
    ExprFree(fs, e);
    ToReg(fs, e, var->info);
    return;
  }
  if (var->k == ExpKind::kUpval) {
    vstack_[var->aux].info |= kVarReadWrite;
    ToVal(fs, e);
    if (e->k <= ExpKind::kTrue) {
      ins = bc::EncodeAD(Op::USETP, var->info, static_cast<uint32_t>(e->k));
    } else if (e->k == ExpKind::kStr) {
      ins = bc::EncodeAD(Op::USETS, var->info, ConstStr(fs, e->str));
    } else if (e->k == ExpKind::kNum) {
      ins = bc::EncodeAD(Op::USETN, var->info, ConstNum(fs, e->num));
    } else {
      ins = bc::EncodeAD(Op::USETV, var->info, ToAnyReg(fs, e));
    }
  } else if (var->k == ExpKind::kGlobal) {
    uint32_t ra = ToAnyReg(fs, e);
    ins = bc::EncodeAD(Op::GSET, ra, ConstStr(fs, var->str));
  } else {
    Check(var->k == ExpKind::kIndexed, "store to non-variable");
    uint32_t ra = ToAnyReg(fs, e);
    uint32_t rc = var->aux;
    if (static_cast<int32_t>(rc) < 0) {
      ins = bc::EncodeABC(Op::TSETS, ra, var->info, ~rc);
    } else if (rc > bc::kMaxC) {
      ins = bc::EncodeABC(Op::TSETB, ra, var->info, rc - (bc::kMaxC + 1));
    } else {
      // A key register allocated after the value (table constructors) is
      // released first so the value's register can be freed afterwards.
      if (e->k == ExpKind::kNonReloc && ra >= fs->nactvar && rc >= ra) {
        RegFree(fs, rc);
      }
      ins = bc::EncodeABC(Op::TSETV, ra, var->info, rc);
    }
  }
  Emit(fs, ins);
  ExprFree(fs, e);
}

// obj:method  ->  MOV func+1, obj; TGETS func, obj, "method".
void Parser::EmitMethod(FuncState* fs, ExpDesc* e, ExpDesc* key) {
  uint32_t obj = ToAnyReg(fs, e);
  ExprFree(fs, e);
  uint32_t func = fs->freereg;
  EmitAD(fs, Op::MOV, func + 1 + kFrameLinkSlots, obj);
  Check(key->IsStr(), "method name is a string");
  uint32_t idx = ConstStr(fs, key->str);
  if (idx <= bc::kMaxC) {
    RegReserve(fs, 2 + kFrameLinkSlots);
    EmitABC(fs, Op::TGETS, func, obj, idx);
  } else {
    RegReserve(fs, 3 + kFrameLinkSlots);
    EmitAD(fs, Op::KSTR, func + 2 + kFrameLinkSlots, idx);
    EmitABC(fs, Op::TGETV, func, obj, func + 2 + kFrameLinkSlots);
    fs->freereg--;
  }
  e->info = func;
  e->k = ExpKind::kNonReloc;
}

// Unconditional jump; a directly preceding UCLO doubles as the jump.
uint32_t Parser::EmitJmp(FuncState* fs) {
  uint32_t jpc = fs->jpc;
  uint32_t j = fs->pc() - 1;
  uint32_t* ip = &fs->Ins(j);
  fs->jpc = kNoJump;
  if (static_cast<int32_t>(j) >= static_cast<int32_t>(fs->lasttarget) &&
      bc::OpOf(*ip) == Op::UCLO) {
    *ip = bc::WithD(*ip, bc::kJumpBias - 1);
  } else {
    j = EmitAJ(fs, Op::JMP, fs->freereg, -1);
  }
  JmpAppend(fs, &j, jpc);
  return j;
}

void Parser::InvertCond(FuncState* fs, ExpDesc* e) {
  uint32_t* ip = &fs->Ins(e->info - 1);
  *ip = bc::WithOp(*ip, static_cast<Op>(static_cast<int>(bc::OpOf(*ip)) ^ 1));
}

uint32_t Parser::EmitBranch(FuncState* fs, ExpDesc* e, bool cond) {
  if (e->k == ExpKind::kRelocable) {
    uint32_t* ip = &fs->Ins(e->info);
    if (bc::OpOf(*ip) == Op::NOT) {
      *ip = bc::EncodeAD(cond ? Op::ISF : Op::IST, 0, bc::DOf(*ip));
      return EmitJmp(fs);
    }
  }
  if (e->k != ExpKind::kNonReloc) {
    RegReserve(fs, 1);
    ToRegNoBranch(fs, e, fs->freereg - 1);
  }
  EmitAD(fs, cond ? Op::ISTC : Op::ISFC, kNoReg, e->info);
  uint32_t pc = EmitJmp(fs);
  ExprFree(fs, e);
  return pc;
}

// Falls through when true; jumps (e->f) when false.
void Parser::BranchTrue(FuncState* fs, ExpDesc* e) {
  uint32_t pc;
  Discharge(fs, e);
  if (e->k == ExpKind::kStr || e->k == ExpKind::kNum || e->k == ExpKind::kTrue) {
    pc = kNoJump;
  } else if (e->k == ExpKind::kJump) {
    InvertCond(fs, e);
    pc = e->info;
  } else if (e->k == ExpKind::kFalse || e->k == ExpKind::kNil) {
    ToRegNoBranch(fs, e, kNoReg);
    pc = EmitJmp(fs);
  } else {
    pc = EmitBranch(fs, e, false);
  }
  JmpAppend(fs, &e->f, pc);
  JmpToHere(fs, e->t);
  e->t = kNoJump;
}

// Falls through when false; jumps (e->t) when true.
void Parser::BranchFalse(FuncState* fs, ExpDesc* e) {
  uint32_t pc;
  Discharge(fs, e);
  if (e->k == ExpKind::kNil || e->k == ExpKind::kFalse) {
    pc = kNoJump;
  } else if (e->k == ExpKind::kJump) {
    pc = e->info;
  } else if (e->k == ExpKind::kStr || e->k == ExpKind::kNum ||
             e->k == ExpKind::kTrue) {
    ToRegNoBranch(fs, e, kNoReg);
    pc = EmitJmp(fs);
  } else {
    pc = EmitBranch(fs, e, true);
  }
  JmpAppend(fs, &e->t, pc);
  JmpToHere(fs, e->f);
  e->f = kNoJump;
}

// Folds arithmetic on two number constants unless the result is NaN or -0.
bool Parser::FoldArith(BinOpr opr, ExpDesc* e1, ExpDesc* e2) {
  if (!e1->IsNumNoJump() || !e2->IsNumNoJump()) return false;
  double a = e1->num, b = e2->num, n;
  switch (opr) {
    case kOprAdd: n = a + b; break;
    case kOprSub: n = a - b; break;
    case kOprMul: n = a * b; break;
    case kOprDiv: n = a / b; break;
    case kOprMod: n = a - std::floor(a / b) * b; break;
    default: n = std::pow(a, b); break;
  }
  if (std::isnan(n) || (n == 0 && std::signbit(n))) return false;
  e1->num = n;
  return true;
}

void Parser::EmitArith(FuncState* fs, BinOpr opr, ExpDesc* e1, ExpDesc* e2) {
  uint32_t rb, rc, t;
  Op op;
  if (FoldArith(opr, e1, e2)) return;
  if (opr == kOprPow) {
    op = Op::POW;
    rc = ToAnyReg(fs, e2);
    rb = ToAnyReg(fs, e1);
  } else {
    op = OpPlus(Op::ADDVV, opr - kOprAdd);
    // The second operand first: discharging an index may free registers.
    ToVal(fs, e2);
    if (e2->IsNum() && (rc = ConstNum(fs, e2->num)) <= bc::kMaxC) {
      op = OpPlus(op, int(Op::ADDVN) - int(Op::ADDVV));
    } else {
      rc = ToAnyReg(fs, e2);
    }
    Check(e1->IsNum() || e1->k == ExpKind::kNonReloc, "arith operand");
    ToVal(fs, e1);
    // At most one constant operand fits the encoding.
    if (e1->IsNum() && !e2->IsNum() && (t = ConstNum(fs, e1->num)) <= bc::kMaxB) {
      rb = rc;
      rc = t;
      op = OpPlus(op, int(Op::ADDNV) - int(Op::ADDVV));
    } else {
      rb = ToAnyReg(fs, e1);
    }
  }
  if (e1->k == ExpKind::kNonReloc && e1->info >= fs->nactvar) fs->freereg--;
  if (e2->k == ExpKind::kNonReloc && e2->info >= fs->nactvar) fs->freereg--;
  e1->info = EmitABC(fs, op, 0, rb, rc);
  e1->k = ExpKind::kRelocable;
}

void Parser::EmitComp(FuncState* fs, BinOpr opr, ExpDesc* e1, ExpDesc* e2) {
  ExpDesc* eret = e1;
  uint32_t ins;
  ToVal(fs, e1);
  if (opr == kOprEq || opr == kOprNe) {
    Op op = opr == kOprEq ? Op::ISEQV : Op::ISNEV;
    if (e1->IsConst()) std::swap(e1, e2);  // The constant goes second.
    uint32_t ra = ToAnyReg(fs, e1);
    ToVal(fs, e2);
    switch (e2->k) {
      case ExpKind::kNil: case ExpKind::kFalse: case ExpKind::kTrue:
        ins = bc::EncodeAD(OpPlus(op, int(Op::ISEQP) - int(Op::ISEQV)), ra,
                           static_cast<uint32_t>(e2->k));
        break;
      case ExpKind::kStr:
        ins = bc::EncodeAD(OpPlus(op, int(Op::ISEQS) - int(Op::ISEQV)), ra,
                           ConstStr(fs, e2->str));
        break;
      case ExpKind::kNum:
        ins = bc::EncodeAD(OpPlus(op, int(Op::ISEQN) - int(Op::ISEQV)), ra,
                           ConstNum(fs, e2->num));
        break;
      default:
        ins = bc::EncodeAD(op, ra, ToAnyReg(fs, e2));
        break;
    }
  } else {
    int rel = opr - kOprLt;
    uint32_t ra, rd;
    if (rel & 1) {  // a > b is b < a; a >= b is b <= a.
      std::swap(e1, e2);
      rel ^= 3;
      ToVal(fs, e1);
      ra = ToAnyReg(fs, e1);
      rd = ToAnyReg(fs, e2);
    } else {
      rd = ToAnyReg(fs, e2);
      ra = ToAnyReg(fs, e1);
    }
    ins = bc::EncodeAD(OpPlus(Op::ISLT, rel), ra, rd);
  }
  if (e1->k == ExpKind::kNonReloc && e1->info >= fs->nactvar) fs->freereg--;
  if (e2->k == ExpKind::kNonReloc && e2->info >= fs->nactvar) fs->freereg--;
  Emit(fs, ins);
  eret->info = EmitJmp(fs);
  eret->k = ExpKind::kJump;
}

// Prepares the left operand before the right one is parsed.
void Parser::EmitBinopLeft(FuncState* fs, BinOpr op, ExpDesc* e) {
  if (op == kOprAnd) {
    BranchTrue(fs, e);
  } else if (op == kOprOr) {
    BranchFalse(fs, e);
  } else if (op == kOprConcat) {
    ToNextReg(fs, e);
  } else if (op == kOprEq || op == kOprNe) {
    if (!e->IsConstNoJump()) ToAnyReg(fs, e);
  } else {
    if (!e->IsNumNoJump()) ToAnyReg(fs, e);
  }
}

void Parser::EmitBinop(FuncState* fs, BinOpr op, ExpDesc* e1, ExpDesc* e2) {
  if (op <= kOprPow) {
    EmitArith(fs, op, e1, e2);
  } else if (op == kOprAnd) {
    Check(e1->t == kNoJump, "and: true list closed");
    Discharge(fs, e2);
    JmpAppend(fs, &e2->f, e1->f);
    *e1 = *e2;
  } else if (op == kOprOr) {
    Check(e1->f == kNoJump, "or: false list closed");
    Discharge(fs, e2);
    JmpAppend(fs, &e2->t, e1->t);
    *e1 = *e2;
  } else if (op == kOprConcat) {
    ToVal(fs, e2);
    if (e2->k == ExpKind::kRelocable && bc::OpOf(fs->Ins(e2->info)) == Op::CAT) {
      // a..b..c: extend the pending CAT downwards instead of nesting.
      Check(e1->info == bc::BOf(fs->Ins(e2->info)) - 1, "concat chain");
      ExprFree(fs, e1);
      fs->Ins(e2->info) = bc::WithB(fs->Ins(e2->info), e1->info);
      e1->info = e2->info;
    } else {
      ToNextReg(fs, e2);
      ExprFree(fs, e2);
      ExprFree(fs, e1);
      e1->info = EmitABC(fs, Op::CAT, 0, e1->info, e2->info);
    }
    e1->k = ExpKind::kRelocable;
  } else {
    EmitComp(fs, op, e1, e2);
  }
}

void Parser::EmitUnop(FuncState* fs, Op op, ExpDesc* e) {
  if (op == Op::NOT) {
    std::swap(e->f, e->t);
    JmpDropVal(fs, e->f);
    JmpDropVal(fs, e->t);
    Discharge(fs, e);
    if (e->k == ExpKind::kNil || e->k == ExpKind::kFalse) {
      e->k = ExpKind::kTrue;
      return;
    } else if (e->IsConst()) {
      e->k = ExpKind::kFalse;
      return;
    } else if (e->k == ExpKind::kJump) {
      InvertCond(fs, e);
      return;
    } else if (e->k == ExpKind::kRelocable) {
      RegReserve(fs, 1);
      fs->Ins(e->info) = bc::WithA(fs->Ins(e->info), fs->freereg - 1);
      e->info = fs->freereg - 1;
      e->k = ExpKind::kNonReloc;
    } else {
      Check(e->k == ExpKind::kNonReloc, "not operand");
    }
  } else {
    // Negated number constants fold, except into -0.
    if (op == Op::UNM && !e->HasJump() && e->IsNum() && e->num != 0) {
      e->num = -e->num;
      return;
    }
    ToAnyReg(fs, e);
  }
  ExprFree(fs, e);
  e->info = EmitAD(fs, op, 0, e->info);
  e->k = ExpKind::kRelocable;
}

// ---------------------------------------------------------------------------
// Token helpers.

bool Parser::LexOpt(int tok) {
  if (lex_.tok != tok) return false;
  lex_.Next();
  return true;
}

void Parser::LexCheck(int tok) {
  if (lex_.tok != tok) ErrToken(tok);
  lex_.Next();
}

void Parser::LexMatch(int what, int who, int32_t line) {
  if (LexOpt(what)) return;
  if (line == lex_.line) ErrToken(what);
  lex_.Error(lex_.tok, absl::StrFormat("'%s' expected (to close '%s' at line %d)",
                                       Lexer::TokenToString(what),
                                       Lexer::TokenToString(who), line));
}

const std::string* Parser::LexStr() {
  if (!IsNameToken()) ErrToken(kTok_name);
  const std::string* s = lex_.str;
  lex_.Next();
  return s;
}

// ---------------------------------------------------------------------------
// Variables.

void Parser::VarNew(uint32_t n, const std::string* name) {
  FuncState* fs = fs_;
  CheckLimit(fs, fs->nactvar + n, kMaxLocals, "local variables");
  if (vtop_ >= kMaxVarStack) {
    lex_.Error(0, absl::StrFormat("chunk has more than %d local variables",
                                  kMaxVarStack));
  }
  if (vtop_ >= vstack_.size()) vstack_.resize(vtop_ + 1);
  vstack_[vtop_] = VarSlot{name, 0, 0, 0, 0};
  fs->varmap[fs->nactvar + n] = static_cast<uint16_t>(vtop_);
  vtop_++;
}

void Parser::VarAdd(uint32_t nvars) {
  FuncState* fs = fs_;
  uint32_t nactvar = fs->nactvar;
  while (nvars--) {
    VarSlot& v = VarGet(fs, nactvar);
    v.startpc = fs->pc();
    v.slot = static_cast<uint8_t>(nactvar++);
    v.info = 0;
  }
  fs->nactvar = nactvar;
}

void Parser::VarRemove(uint32_t tolevel) {
  FuncState* fs = fs_;
  while (fs->nactvar > tolevel) VarGet(fs, --fs->nactvar).endpc = fs->pc();
}

int32_t Parser::VarLookupLocal(FuncState* fs, const std::string* name) {
  for (int32_t i = static_cast<int32_t>(fs->nactvar) - 1; i >= 0; i--) {
    if (VarGet(fs, i).name == name) return i;
  }
  return -1;
}

uint32_t Parser::VarLookupUpval(FuncState* fs, uint32_t vidx, ExpDesc* e) {
  uint32_t n = fs->nuv;
  for (uint32_t i = 0; i < n; i++) {
    if (fs->uvmap[i] == vidx) return i;
  }
  CheckLimit(fs, fs->nuv, kMaxUpvalues, "upvalues");
  fs->uvmap[n] = static_cast<uint16_t>(vidx);
  // Resolved when the parent finishes: a local slot, or the parent's upvalue.
  fs->uvtmp[n] = static_cast<uint16_t>(e->k == ExpKind::kLocal
                                           ? vidx
                                           : kMaxVarStack + e->info);
  fs->nuv = static_cast<uint8_t>(n + 1);
  return n;
}

// Resolves a name to a local, an upvalue (created on the way) or a global.
int32_t Parser::VarLookup(FuncState* fs, const std::string* name, ExpDesc* e,
                          bool first) {
  if (fs == nullptr) {
    e->Init(ExpKind::kGlobal, 0);
    e->str = name;
    return -1;
  }
  int32_t reg = VarLookupLocal(fs, name);
  if (reg >= 0) {
    e->Init(ExpKind::kLocal, static_cast<uint32_t>(reg));
    if (!first) ScopeMarkUpval(fs, static_cast<uint32_t>(reg));
    e->aux = fs->varmap[reg];
    return static_cast<int32_t>(e->aux);
  }
  int32_t vidx = VarLookup(fs->prev, name, e, false);
  if (vidx >= 0) {
    e->info = static_cast<uint8_t>(VarLookupUpval(fs, static_cast<uint32_t>(vidx), e));
    e->k = ExpKind::kUpval;
    return vidx;
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Goto and labels live on the variable stack next to the locals.

uint32_t Parser::GolaNew(const std::string* name, uint8_t info, uint32_t pc) {
  if (vtop_ >= kMaxVarStack) {
    lex_.Error(0, absl::StrFormat("chunk has more than %d local variables",
                                  kMaxVarStack));
  }
  if (vtop_ >= vstack_.size()) vstack_.resize(vtop_ + 1);
  vstack_[vtop_] = VarSlot{name, pc, 0, static_cast<uint8_t>(fs_->nactvar), info};
  return vtop_++;
}

void Parser::GolaPatch(VarSlot* vg, const VarSlot& vl) {
  FuncState* fs = fs_;
  uint32_t pc = vg->startpc;
  vg->name = nullptr;
  fs->Ins(pc) = bc::WithA(fs->Ins(pc), vl.slot);
  JmpPatch(fs, pc, vl.startpc);
}

// A goto leaving a scope with captured locals closes them (JMP -> UCLO).
void Parser::GolaClose(VarSlot* vg) {
  FuncState* fs = fs_;
  uint32_t pc = vg->startpc;
  uint32_t* ip = &fs->Ins(pc);
  Check(vg->IsGoto(), "closing a non-goto");
  Check(bc::OpOf(*ip) == Op::JMP || bc::OpOf(*ip) == Op::UCLO, "goto is a jump");
  *ip = bc::WithA(*ip, vg->slot);
  if (bc::OpOf(*ip) == Op::JMP) {
    uint32_t next = JmpNext(fs, pc);
    if (next != kNoJump) JmpPatch(fs, next, pc);
    ip = &fs->Ins(pc);
    *ip = bc::WithD(bc::WithOp(*ip, Op::UCLO), bc::kJumpBias - 1);
  }
}

// Patches the scope's pending forward gotos to `label`.
void Parser::GolaResolve(Scope* bl, uint32_t end, const VarSlot& label) {
  for (uint32_t i = bl->vstart; i < end; i++) {
    VarSlot* vg = &vstack_[i];
    if (vg->name == label.name && vg->IsGoto()) {
      if (vg->slot < label.slot) {
        const std::string* local = VarGet(fs_, vg->slot).name;
        lex_.line = fs_->code[vg->startpc].line;
        lex_.Error(0, absl::StrFormat(
                          "<goto %s> jumps into the scope of local '%s'",
                          *vg->name, *local));
      }
      GolaPatch(vg, label);
    }
  }
}

// At scope end: labels go out of scope, gotos propagate outwards.
void Parser::GolaFixup(Scope* bl) {
  for (uint32_t i = bl->vstart; i < vtop_; i++) {
    const std::string* name = vstack_[i].name;
    if (name == nullptr) continue;
    if (vstack_[i].IsLabel()) {
      vstack_[i].name = nullptr;
      VarSlot label = vstack_[i];
      label.name = name;
      for (uint32_t j = i + 1; j < vtop_; j++) {
        VarSlot* vg = &vstack_[j];
        if (vg->name == name && vg->IsGoto()) {
          if ((bl->flags & kScopeUpval) && vg->slot > label.slot) GolaClose(vg);
          GolaPatch(vg, label);
        }
      }
    } else if (vstack_[i].IsGoto()) {
      if (bl->prev) {
        bl->prev->flags |= name == &kBreakName ? kScopeBreak : kScopeGotoLabel;
        vstack_[i].slot = bl->nactvar;
        if (bl->flags & kScopeUpval) GolaClose(&vstack_[i]);
      } else {
        lex_.line = fs_->code[vstack_[i].startpc].line;
        if (name == &kBreakName) lex_.Error(0, "no loop to break");
        lex_.Error(0, absl::StrFormat("undefined label '%s'", *name));
      }
    }
  }
}

int32_t Parser::GolaFindLabel(const std::string* name) {
  for (uint32_t i = fs_->scope->vstart; i < vtop_; i++) {
    if (vstack_[i].name == name && vstack_[i].IsLabel()) return static_cast<int32_t>(i);
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Scopes.

void Parser::ScopeBegin(FuncState* fs, Scope* bl, uint8_t flags) {
  bl->nactvar = static_cast<uint8_t>(fs->nactvar);
  bl->flags = flags;
  bl->vstart = vtop_;
  bl->prev = fs->scope;
  fs->scope = bl;
  Check(fs->freereg == fs->nactvar, "scope starts with temporaries");
}

void Parser::ScopeEnd(FuncState* fs) {
  Scope* bl = fs->scope;
  fs->scope = bl->prev;
  VarRemove(bl->nactvar);
  fs->freereg = fs->nactvar;
  Check(bl->nactvar == fs->nactvar, "scope variable count");
  if ((bl->flags & (kScopeUpval | kScopeNoClose)) == kScopeUpval) {
    EmitAJ(fs, Op::UCLO, bl->nactvar, 0);
  }
  if (bl->flags & kScopeBreak) {
    if (bl->flags & kScopeLoop) {
      // The loop's exit is a label named "break" at the current pc.
      VarSlot label{&kBreakName, fs->pc(), 0, static_cast<uint8_t>(fs->nactvar),
                    kVarLabel};
      GolaResolve(bl, vtop_, label);
      return;
    }
  } else if (!(bl->flags & kScopeGotoLabel)) {
    return;
  }
  GolaFixup(bl);
}

void Parser::ScopeMarkUpval(FuncState* fs, uint32_t level) {
  Scope* bl = fs->scope;
  while (bl && bl->nactvar > level) bl = bl->prev;
  if (bl) bl->flags |= kScopeUpval;
}

// ---------------------------------------------------------------------------
// Finishing a function.

bool IsReturnOp(Op op) {
  return op == Op::CALLMT || op == Op::CALLT || op == Op::RETM ||
         op == Op::RET || op == Op::RET0 || op == Op::RET1;
}

// Adds the final return; returns emitted before the first closure existed
// are redirected through a UCLO.
void Parser::FixupReturn(FuncState* fs) {
  uint32_t lastpc = fs->pc();
  if (lastpc <= fs->lasttarget || !IsReturnOp(bc::OpOf(fs->Ins(lastpc - 1)))) {
    if (fs->scope->flags & kScopeUpval) EmitAJ(fs, Op::UCLO, 0, 0);
    EmitAD(fs, Op::RET0, 0, 1);
  }
  fs->scope->flags |= kScopeNoClose;
  ScopeEnd(fs);
  Check(fs->scope == nullptr, "function scope closed");
  if (!(fs->flags & kFixupReturn)) return;
  for (uint32_t pc = 1; pc < lastpc; pc++) {
    uint32_t ins = fs->Ins(pc);
    Op op = bc::OpOf(ins);
    if (IsReturnOp(op)) {
      uint32_t copy = Emit(fs, ins);
      fs->code[copy].line = fs->code[pc].line;  // The copy keeps its line.
      int64_t offset = int64_t(copy) - (int64_t(pc) + 1) + bc::kJumpBias;
      if (offset > bc::kMaxD) ErrSyntax("function too long for return fixup");
      fs->Ins(pc) = bc::EncodeAD(Op::UCLO, 0, static_cast<uint32_t>(offset));
    } else if (op == Op::UCLO) {
      return;
    }
  }
}

// Upvalue descriptors of a child, final once the parent knows which of its
// locals are ever assigned.
void Parser::FixupChildUpvalues(bc::Proto* child) {
  for (uint16_t& uv : child->upvalues) {
    uint32_t vidx = uv;
    if (vidx >= kMaxVarStack) {
      uv = static_cast<uint16_t>(vidx - kMaxVarStack);
    } else if (vstack_[vidx].info & kVarReadWrite) {
      uv = static_cast<uint16_t>(vstack_[vidx].slot | bc::kUvLocal);
    } else {
      uv = static_cast<uint16_t>(vstack_[vidx].slot | bc::kUvLocal | bc::kUvImmutable);
    }
  }
}

std::shared_ptr<bc::Proto> Parser::FuncFinish(int32_t line) {
  FuncState* fs = fs_;
  FixupReturn(fs);
  if (fs->proto->num_consts.size() > bc::kMaxD + 1 ||
      fs->proto->gc_consts.size() > bc::kMaxD + 1) {
    ErrLimit(fs, bc::kMaxD + 1, "constants");
  }
  bc::Proto& pt = *fs->proto;
  pt.flags = fs->flags & ~(kHasReturn | kFixupReturn);
  pt.numparams = fs->numparams;
  pt.framesize = fs->framesize;
  pt.firstline = fs->linedefined;
  pt.numline = line - fs->linedefined;
  pt.chunkname = lex_.chunkname();
  pt.code.resize(fs->pc());
  pt.lines.resize(fs->pc());
  pt.code[0] = bc::EncodeAD(fs->flags & bc::kProtoVararg ? Op::FUNCV : Op::FUNCF,
                            fs->framesize, 0);
  pt.lines[0] = fs->linedefined;
  for (uint32_t i = 1; i < fs->pc(); i++) {
    pt.code[i] = fs->code[i].ins;
    pt.lines[i] = fs->code[i].line;
  }
  for (bc::GcConst& k : pt.gc_consts) {
    if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k)) {
      FixupChildUpvalues(child->get());
    }
  }
  pt.upvalues.assign(fs->uvtmp, fs->uvtmp + fs->nuv);
  for (uint32_t i = 0; i < fs->nuv; i++) {
    pt.upvalue_names.push_back(*vstack_[fs->uvmap[i]].name);
  }
  for (uint32_t i = fs->vbase; i < vtop_; i++) {
    const VarSlot& v = vstack_[i];
    if (v.info & (kVarGoto | kVarLabel)) continue;
    pt.vars.push_back({*v.name, v.startpc, v.endpc});
  }
  vtop_ = fs->vbase;
  fs_ = fs->prev;
  return fs->proto;
}

void Parser::FuncInit(FuncState* fs) {
  fs->prev = fs_;
  fs_ = fs;
  fs->vbase = vtop_;
}

// ---------------------------------------------------------------------------
// Expressions.

void Parser::ExprStr(ExpDesc* e) {
  e->Init(ExpKind::kStr, 0);
  e->str = LexStr();
}

// t[k]: byte and short-string constants are encoded in the key operand.
void Parser::ExprIndex(FuncState* fs, ExpDesc* t, ExpDesc* e) {
  t->k = ExpKind::kIndexed;
  if (e->IsNum()) {
    double n = e->num;
    if (n >= 0 && n <= 255 && n == std::trunc(n)) {
      t->aux = bc::kMaxC + 1 + static_cast<uint32_t>(n);
      return;
    }
  } else if (e->IsStr()) {
    uint32_t idx = ConstStr(fs, e->str);
    if (idx <= bc::kMaxC) {
      t->aux = ~idx;
      return;
    }
  }
  t->aux = ToAnyReg(fs, e);
}

void Parser::ExprField(ExpDesc* v) {
  FuncState* fs = fs_;
  ExpDesc key;
  ToAnyReg(fs, v);
  lex_.Next();  // '.' or ':'.
  ExprStr(&key);
  ExprIndex(fs, v, &key);
}

void Parser::ExprBracket(ExpDesc* v) {
  lex_.Next();  // '['.
  Expr(v);
  ToVal(fs_, v);
  LexCheck(']');
}

bc::TemplateValue ConstValue(const ExpDesc& e) {
  switch (e.k) {
    case ExpKind::kNil: return bc::Nil{};
    case ExpKind::kFalse: return false;
    case ExpKind::kTrue: return true;
    case ExpKind::kStr: return *e.str;
    default: return e.num;
  }
}

// LuaJIT builds a constructor's template table step by step: created at the
// first constant entry with the sizes counted so far, entries inserted in
// source order into a hash of 2^n nodes (a nil value still takes a node; a
// full hash part rehashes, which may move integer keys into a grown array),
// the array grown to every positional item at the end. `#` on the copies
// depends on the layout this produces, so the parser replays the same steps
// on a model of the table's nodes. Number keys are placed by LuaJIT's hash;
// string keys by a stand-in (luajit seeds its string hash per process).
class TemplateBuilder {
 public:
  bool created() const { return created_; }

  void Create(uint32_t asize, uint32_t hash_bits) {
    created_ = true;
    array_.assign(asize, Slot{});
    NewHashPart(hash_bits);
  }

  // A constant entry; a key whose value is computed at run time stays in
  // the template as a placeholder (present while building, nil at the end).
  void Set(const bc::TemplateValue& key, const bc::TemplateValue& value) { *SlotFor(key) = Slot{value, !IsNil(value)}; }
  void SetPlaceholder(const bc::TemplateValue& key) { *SlotFor(key) = Slot{bc::Nil{}, true}; }

  bc::TableTemplate Finish(bool needarr, uint32_t narr) {
    if (needarr && array_.size() < narr) Resize(narr, HashBits());
    bc::TableTemplate t;
    for (const Slot& slot : array_) t.array.push_back(slot.value);
    for (const Node& n : nodes_) {
      if (n.used) t.hash.emplace_back(n.key, n.slot.value);
    }
    t.hash_bits = static_cast<uint8_t>(HashBits());
    return t;
  }

 private:
  struct Slot {
    bc::TemplateValue value = bc::Nil{};
    bool present = false;  // a non-nil value while building
  };
  struct Node {
    bc::TemplateValue key = bc::Nil{};
    Slot slot;
    int next = -1;
    bool used = false;  // holds a key (possibly with a nil value)
  };

  static bool IsNil(const bc::TemplateValue& v) { return std::holds_alternative<bc::Nil>(v); }

  // The array index of an integral key in [0, 2^27], as LuaJIT counts them.
  static bool ArrayKey(const bc::TemplateValue& key, uint32_t* k) {
    const double* d = std::get_if<double>(&key);
    if (!d || !(*d >= 0 && *d < table_rules::kMaxArraySize) || *d != std::trunc(*d)) return false;
    *k = static_cast<uint32_t>(*d);
    return true;
  }

  uint32_t HashBits() const { return nodes_.empty() ? 0 : static_cast<uint32_t>(std::countr_zero(nodes_.size())); }

  void NewHashPart(uint32_t hash_bits) {
    nodes_.assign(hash_bits ? size_t{1} << hash_bits : 0, Node{});
    freetop_ = static_cast<uint32_t>(nodes_.size());
  }

  uint32_t MainPosition(const bc::TemplateValue& key) const {
    uint32_t h;
    if (const double* d = std::get_if<double>(&key)) {
      h = table_rules::number_hash(std::bit_cast<uint64_t>(*d == 0 ? 0.0 : *d));
    } else if (const bool* b = std::get_if<bool>(&key)) {
      h = *b;
    } else {
      h = static_cast<uint32_t>(std::hash<std::string>{}(std::get<std::string>(key)));
    }
    return h & static_cast<uint32_t>(nodes_.size() - 1);
  }

  // The slot of a key: its array slot, its node, or a new node.
  Slot* SlotFor(const bc::TemplateValue& key) {
    uint32_t k;
    if (ArrayKey(key, &k) && k < array_.size()) return &array_[k];
    if (!nodes_.empty()) {
      for (int i = static_cast<int>(MainPosition(key)); i >= 0; i = nodes_[i].next) {
        if (nodes_[i].used && nodes_[i].key == key) return &nodes_[i].slot;
      }
    }
    return NewKey(key);
  }

  // LuaJIT's newkey: a main position without a value is taken over; else a
  // free node from below freetop, moving a colliding key that is not in its
  // own main position; no free node left means a rehash.
  Slot* NewKey(const bc::TemplateValue& key) {
    if (nodes_.empty()) return RehashAndRetry(key);
    uint32_t mp = MainPosition(key);
    uint32_t target = mp;
    if (nodes_[mp].slot.present) {
      do {
        if (freetop_ == 0) return RehashAndRetry(key);
      } while (nodes_[--freetop_].used);
      uint32_t free = freetop_;
      uint32_t owner = MainPosition(nodes_[mp].key);
      if (owner != mp) {
        uint32_t prev = owner;
        while (nodes_[prev].next != static_cast<int>(mp)) prev = static_cast<uint32_t>(nodes_[prev].next);
        nodes_[prev].next = static_cast<int>(free);
        nodes_[free] = nodes_[mp];
        nodes_[mp].next = -1;
        nodes_[mp].slot = Slot{};
      } else {
        nodes_[free].next = nodes_[mp].next;
        nodes_[mp].next = static_cast<int>(free);
        target = free;
      }
    }
    nodes_[target].key = key;
    nodes_[target].used = true;
    return &nodes_[target].slot;
  }

  Slot* RehashAndRetry(const bc::TemplateValue& key) {
    Rehash(key);
    return SlotFor(key);
  }

  // Sizes the parts for the present keys plus `extra` (LuaJIT's rehashtab).
  void Rehash(const bc::TemplateValue& extra) {
    uint32_t bins[table_rules::kMaxArrayBits] = {};
    uint32_t integer_keys = 0, total = 1, k;
    auto count_int = [&](uint32_t key) {
      bins[table_rules::key_bin(key)]++;
      integer_keys++;
    };
    for (uint32_t i = 0; i < array_.size(); i++) {
      if (array_[i].present) count_int(i), total++;
    }
    for (const Node& n : nodes_) {
      if (!n.slot.present) continue;
      total++;
      if (ArrayKey(n.key, &k)) count_int(k);
    }
    if (ArrayKey(extra, &k)) count_int(k);
    uint32_t in_array = 0;
    uint32_t best = table_rules::best_array_size(bins, integer_keys, in_array);
    Resize(best, table_rules::hash_bits_for(total - in_array));
  }

  // New part sizes; present entries that no longer fit move, nil ones drop.
  void Resize(uint32_t asize, uint32_t hash_bits) {
    std::vector<Slot> old_array = std::move(array_);
    std::vector<Node> old_nodes = std::move(nodes_);
    array_.assign(asize, Slot{});
    NewHashPart(hash_bits);
    for (uint32_t i = 0; i < old_array.size(); i++) {
      if (i < asize) array_[i] = std::move(old_array[i]);
      else if (old_array[i].present) *SlotFor(static_cast<double>(i)) = std::move(old_array[i]);
    }
    for (Node& n : old_nodes) {
      if (n.slot.present) *SlotFor(n.key) = std::move(n.slot);
    }
  }

  bool created_ = false;
  std::vector<Slot> array_;
  std::vector<Node> nodes_;  // 0 or a power of two >= 2
  uint32_t freetop_ = 0;     // free nodes are searched for below this
};

// Table constructor: constant entries go into a TDUP template, the rest is
// stored by instructions; a trailing multi-value call/vararg uses TSETM.
void Parser::ExprTable(ExpDesc* e) {
  FuncState* fs = fs_;
  int32_t line = lex_.line;
  TemplateBuilder tmpl;
  uint32_t template_idx = 0;
  bool vcall = false, needarr = false;
  uint32_t narr = 1;
  uint32_t nhash = 0;
  uint32_t freg = fs->freereg;
  uint32_t pc = EmitAD(fs, Op::TNEW, freg, 0);
  e->Init(ExpKind::kNonReloc, freg);
  RegReserve(fs, 1);
  freg++;
  LexCheck('{');
  while (lex_.tok != '}') {
    ExpDesc key, val;
    vcall = false;
    if (lex_.tok == '[') {
      ExprBracket(&key);
      if (!key.IsConst()) ExprIndex(fs, e, &key);
      if (key.IsNum() && key.num == 0) {
        needarr = true;
      } else {
        nhash++;
      }
      LexCheck('=');
    } else if (IsNameToken() && lex_.Lookahead() == '=') {
      ExprStr(&key);
      LexCheck('=');
      nhash++;
    } else {
      key.Init(ExpKind::kNum, 0);
      key.num = narr;
      narr++;
      needarr = vcall = true;
    }
    Expr(&val);
    bool stored = false;
    if (key.IsConst() && key.k != ExpKind::kNil &&
        (key.k == ExpKind::kStr || val.IsConstNoJump())) {
      if (!tmpl.created()) {
        tmpl.Create(needarr ? narr : 0, table_rules::hash_bits_for(nhash));
        template_idx = static_cast<uint32_t>(fs->proto->gc_consts.size());
        fs->proto->gc_consts.emplace_back(bc::TableTemplate{});
        fs->Ins(pc) = bc::EncodeAD(Op::TDUP, freg - 1, template_idx);
      }
      vcall = false;
      if (val.IsConstNoJump()) {
        tmpl.Set(ConstValue(key), ConstValue(val));
        stored = true;
      } else {
        tmpl.SetPlaceholder(ConstValue(key));
      }
    }
    if (!stored) {
      if (val.k != ExpKind::kCall) {
        ToAnyReg(fs, &val);
        vcall = false;
      }
      if (key.IsConst()) ExprIndex(fs, e, &key);
      EmitStore(fs, e, &val);
    }
    fs->freereg = freg;
    if (!LexOpt(',') && !LexOpt(';')) break;
  }
  LexMatch('}', '{', line);
  if (vcall) {
    InsLine* ilp = &fs->code[fs->pc() - 1];
    Check(bc::AOf(ilp->ins) == freg &&
              bc::OpOf(ilp->ins) == (narr > 256 ? Op::TSETV : Op::TSETB),
          "multi-value table store");
    // Biased integer 2^52 + (narr-1): the first index TSETM stores to.
    double biased = 4503599627370496.0 + (narr - 1);
    if (narr > 256) {
      fs->code.pop_back();
      ilp = &fs->code[fs->pc() - 1];
    }
    ilp->ins = bc::EncodeAD(Op::TSETM, freg, ConstNum(fs, biased));
    ilp[-1].ins = bc::WithB(ilp[-1].ins, 0);
  }
  if (pc == fs->pc() - 1) {  // Nothing after TNEW/TDUP: relocable.
    e->info = pc;
    fs->freereg--;
    e->k = ExpKind::kRelocable;
  } else {
    e->k = ExpKind::kNonReloc;
  }
  if (!tmpl.created()) {
    // TNEW D: array size in bits 0-10, log2 hash size in 11-15.
    if (!needarr) {
      narr = 0;
    } else if (narr < 3) {
      narr = 3;
    } else if (narr > 0x7ff) {
      narr = 0x7ff;
    }
    fs->Ins(pc) = bc::WithD(fs->Ins(pc), narr | (table_rules::hash_bits_for(nhash) << 11));
  } else {
    fs->proto->gc_consts[template_idx] = tmpl.Finish(needarr, narr);
  }
}

uint32_t Parser::ParseParams(bool needself) {
  FuncState* fs = fs_;
  uint32_t nparams = 0;
  LexCheck('(');
  if (needself) VarNew(nparams++, lex_.Intern("self"));
  if (lex_.tok != ')') {
    do {
      if (IsNameToken()) {
        VarNew(nparams++, LexStr());
      } else if (lex_.tok == kTok_dots) {
        lex_.Next();
        fs->flags |= bc::kProtoVararg;
        break;
      } else {
        ErrSyntax("<name> or '...' expected");
      }
    } while (LexOpt(','));
  }
  VarAdd(nparams);
  Check(fs->nactvar == nparams, "parameter count");
  RegReserve(fs, nparams);
  LexCheck(')');
  return nparams;
}

void Parser::ParseBody(ExpDesc* e, bool needself, int32_t line) {
  FuncState fs;
  FuncState* pfs = fs_;
  Scope bl;
  FuncInit(&fs);
  ScopeBegin(&fs, &bl, 0);
  fs.linedefined = line;
  fs.numparams = static_cast<uint8_t>(ParseParams(needself));
  EmitAD(&fs, Op::FUNCF, 0, 0);  // Header placeholder.
  ParseStatements();
  if (lex_.tok != kTok_end) LexMatch(kTok_end, kTok_function, line);
  lex_.lastline = lex_.line;
  std::shared_ptr<bc::Proto> pt = FuncFinish(lex_.lastline);
  const void* key = pt.get();
  e->Init(ExpKind::kRelocable,
          EmitAD(pfs, Op::FNEW, 0, ConstGc(pfs, key, std::move(pt))));
  if (!(pfs->flags & bc::kProtoChild)) {
    if (pfs->flags & kHasReturn) pfs->flags |= kFixupReturn;
    pfs->flags |= bc::kProtoChild;
  }
  lex_.Next();
}

uint32_t Parser::ExprList(ExpDesc* v) {
  uint32_t n = 1;
  Expr(v);
  while (LexOpt(',')) {
    ToNextReg(fs_, v);
    Expr(v);
    n++;
  }
  return n;
}

void Parser::ParseArgs(ExpDesc* e) {
  FuncState* fs = fs_;
  ExpDesc args;
  uint32_t ins;
  int32_t line = lex_.line;
  if (lex_.tok == '(') {
    if (line != lex_.lastline) {
      ErrSyntax("ambiguous syntax (function call x new statement)");
    }
    lex_.Next();
    if (lex_.tok == ')') {
      args.k = ExpKind::kVoid;
    } else {
      ExprList(&args);
      if (args.k == ExpKind::kCall) {  // f(a, g()) passes on all results.
        fs->Ins(args.info) = bc::WithB(fs->Ins(args.info), 0);
      }
    }
    LexMatch(')', '(', line);
  } else if (lex_.tok == '{') {
    ExprTable(&args);
  } else if (lex_.tok == kTok_string) {
    args.Init(ExpKind::kStr, 0);
    args.str = lex_.str;
    lex_.Next();
  } else {
    ErrSyntax("function arguments expected");
  }
  Check(e->k == ExpKind::kNonReloc, "call base in a register");
  uint32_t base = e->info;
  if (args.k == ExpKind::kCall) {
    ins = bc::EncodeABC(Op::CALLM, base, 2, args.aux - base - 1 - kFrameLinkSlots);
  } else {
    if (args.k != ExpKind::kVoid) ToNextReg(fs, &args);
    ins = bc::EncodeABC(Op::CALL, base, 2, fs->freereg - base - kFrameLinkSlots);
  }
  e->Init(ExpKind::kCall, Emit(fs, ins));
  e->aux = base;
  fs->code[fs->pc() - 1].line = line;
  fs->freereg = base + 1;
}

void Parser::ExprPrimary(ExpDesc* v) {
  FuncState* fs = fs_;
  if (lex_.tok == '(') {
    int32_t line = lex_.line;
    lex_.Next();
    Expr(v);
    LexMatch(')', '(', line);
    Discharge(fs_, v);
  } else if (IsNameToken()) {
    VarLookupName(v);
  } else {
    ErrSyntax("unexpected symbol");
  }
  for (;;) {
    if (lex_.tok == '.') {
      ExprField(v);
    } else if (lex_.tok == '[') {
      ExpDesc key;
      ToAnyReg(fs, v);
      ExprBracket(&key);
      ExprIndex(fs, v, &key);
    } else if (lex_.tok == ':') {
      ExpDesc key;
      lex_.Next();
      ExprStr(&key);
      EmitMethod(fs, v, &key);
      ParseArgs(v);
    } else if (lex_.tok == '(' || lex_.tok == kTok_string || lex_.tok == '{') {
      ToNextReg(fs, v);
      RegReserve(fs, kFrameLinkSlots);
      ParseArgs(v);
    } else {
      break;
    }
  }
}

void Parser::ExprSimple(ExpDesc* v) {
  switch (lex_.tok) {
    case kTok_number:
      v->Init(ExpKind::kNum, 0);
      v->num = lex_.num;
      break;
    case kTok_string:
      v->Init(ExpKind::kStr, 0);
      v->str = lex_.str;
      break;
    case kTok_nil:
      v->Init(ExpKind::kNil, 0);
      break;
    case kTok_true:
      v->Init(ExpKind::kTrue, 0);
      break;
    case kTok_false:
      v->Init(ExpKind::kFalse, 0);
      break;
    case kTok_dots: {
      FuncState* fs = fs_;
      if (!(fs->flags & bc::kProtoVararg)) {
        ErrSyntax("cannot use '...' outside a vararg function");
      }
      RegReserve(fs, 1);
      uint32_t base = fs->freereg - 1;
      v->Init(ExpKind::kCall, EmitABC(fs, Op::VARG, base, 2, fs->numparams));
      v->aux = base;
      break;
    }
    case '{':
      ExprTable(v);
      return;
    case kTok_function:
      lex_.Next();
      ParseBody(v, false, lex_.line);
      return;
    default:
      ExprPrimary(v);
      return;
  }
  lex_.Next();
}

// Nesting depth guard: keeps the C++ stack bounded on any input.
void Parser::LevelBegin() {
  if (++level_ >= kMaxLevel) lex_.Error(0, "chunk has too many syntax levels");
}

BinOpr TokenToBinop(int tok) {
  switch (tok) {
    case '+': return kOprAdd;
    case '-': return kOprSub;
    case '*': return kOprMul;
    case '/': return kOprDiv;
    case '%': return kOprMod;
    case '^': return kOprPow;
    case kTok_concat: return kOprConcat;
    case kTok_ne: return kOprNe;
    case kTok_eq: return kOprEq;
    case '<': return kOprLt;
    case kTok_le: return kOprLe;
    case '>': return kOprGt;
    case kTok_ge: return kOprGe;
    case kTok_and: return kOprAnd;
    case kTok_or: return kOprOr;
    default: return kOprNone;
  }
}

void Parser::ExprUnop(ExpDesc* v) {
  Op op;
  if (lex_.tok == kTok_not) {
    op = Op::NOT;
  } else if (lex_.tok == '-') {
    op = Op::UNM;
  } else if (lex_.tok == '#') {
    op = Op::LEN;
  } else {
    ExprSimple(v);
    return;
  }
  lex_.Next();
  ExprBinop(v, kUnaryPriority);
  EmitUnop(fs_, op, v);
}

// Precedence climbing: parses operators binding tighter than `limit`.
BinOpr Parser::ExprBinop(ExpDesc* v, uint32_t limit) {
  LevelBegin();
  ExprUnop(v);
  BinOpr op = TokenToBinop(lex_.tok);
  while (op != kOprNone && kPriority[op].left > limit) {
    ExpDesc v2;
    lex_.Next();
    EmitBinopLeft(fs_, op, v);
    BinOpr nextop = ExprBinop(&v2, kPriority[op].right);
    EmitBinop(fs_, op, v, &v2);
    op = nextop;
  }
  LevelEnd();
  return op;
}

void Parser::ExprNext() {
  ExpDesc e;
  Expr(&e);
  ToNextReg(fs_, &e);
}

uint32_t Parser::ExprCond() {
  ExpDesc v;
  Expr(&v);
  if (v.k == ExpKind::kNil) v.k = ExpKind::kFalse;
  BranchTrue(fs_, &v);
  return v.f;
}

// ---------------------------------------------------------------------------
// Assignments.

// `t[i], t = ...`: a local used by an earlier LHS index is copied first.
void Parser::AssignHazard(LhsVar* lh, const ExpDesc* v) {
  FuncState* fs = fs_;
  uint32_t reg = v->info;
  uint32_t tmp = fs->freereg;
  bool hazard = false;
  for (; lh; lh = lh->prev) {
    if (lh->v.k == ExpKind::kIndexed) {
      if (lh->v.info == reg) {
        hazard = true;
        lh->v.info = tmp;
      }
      if (lh->v.aux == reg) {
        hazard = true;
        lh->v.aux = tmp;
      }
    }
  }
  if (hazard) {
    EmitAD(fs, Op::MOV, tmp, reg);
    RegReserve(fs, 1);
  }
}

// Matches the number of values to the number of targets.
void Parser::AssignAdjust(uint32_t nvars, uint32_t nexps, ExpDesc* e) {
  FuncState* fs = fs_;
  int32_t extra = static_cast<int32_t>(nvars) - static_cast<int32_t>(nexps);
  if (e->k == ExpKind::kCall) {
    extra++;
    if (extra < 0) extra = 0;
    fs->Ins(e->info) = bc::WithB(fs->Ins(e->info), static_cast<uint32_t>(extra + 1));
    if (extra > 1) RegReserve(fs, static_cast<uint32_t>(extra) - 1);
  } else {
    if (e->k != ExpKind::kVoid) ToNextReg(fs, e);
    if (extra > 0) {
      uint32_t reg = fs->freereg;
      RegReserve(fs, static_cast<uint32_t>(extra));
      EmitNil(fs, reg, static_cast<uint32_t>(extra));
    }
  }
  // Values beyond the targets were evaluated for their effects only.
  if (nexps > nvars) fs->freereg -= nexps - nvars;
}

void Parser::ParseAssignment(LhsVar* lh, uint32_t nvars) {
  ExpDesc e;
  if (!(lh->v.k >= ExpKind::kLocal && lh->v.k <= ExpKind::kIndexed)) {
    ErrSyntax("syntax error");
  }
  if (LexOpt(',')) {
    LhsVar vl;
    vl.prev = lh;
    ExprPrimary(&vl.v);
    if (vl.v.k == ExpKind::kLocal) AssignHazard(lh, &vl.v);
    CheckLimit(fs_, level_ + nvars, kMaxLevel, "variable names");
    ParseAssignment(&vl, nvars + 1);
  } else {
    LexCheck('=');
    uint32_t nexps = ExprList(&e);
    if (nexps == nvars) {
      if (e.k == ExpKind::kCall) {
        if (bc::OpOf(fs_->Ins(e.info)) == Op::VARG) {
          fs_->freereg--;
          e.k = ExpKind::kRelocable;
        } else {
          e.info = e.aux;
          e.k = ExpKind::kNonReloc;
        }
      }
      EmitStore(fs_, &lh->v, &e);
      return;
    }
    AssignAdjust(nvars, nexps, &e);
  }
  // Values sit in consecutive registers; store them right to left.
  e.Init(ExpKind::kNonReloc, fs_->freereg - 1);
  EmitStore(fs_, &lh->v, &e);
}

void Parser::ParseCallAssign() {
  LhsVar vl;
  ExprPrimary(&vl.v);
  if (vl.v.k == ExpKind::kCall) {
    fs_->Ins(vl.v.info) = bc::WithB(fs_->Ins(vl.v.info), 1);  // No results.
  } else {
    vl.prev = nullptr;
    ParseAssignment(&vl, 1);
  }
}

void Parser::ParseLocal() {
  if (LexOpt(kTok_function)) {
    ExpDesc v, b;
    FuncState* fs = fs_;
    VarNew(0, LexStr());
    v.Init(ExpKind::kLocal, fs->freereg);
    v.aux = fs->varmap[fs->freereg];
    RegReserve(fs, 1);
    VarAdd(1);
    ParseBody(&b, false, lex_.line);
    // A store that does not mark the variable as assigned.
    ExprFree(fs, &b);
    ToReg(fs, &b, v.info);
    // The local is in scope for the body, but valid only after the store.
    VarGet(fs, fs->nactvar - 1).startpc = fs->pc();
  } else {
    ExpDesc e;
    uint32_t nexps, nvars = 0;
    do {
      VarNew(nvars++, LexStr());
    } while (LexOpt(','));
    if (LexOpt('=')) {
      nexps = ExprList(&e);
    } else {
      e.k = ExpKind::kVoid;
      nexps = 0;
    }
    AssignAdjust(nvars, nexps, &e);
    VarAdd(nvars);
  }
}

void Parser::ParseFunc(int32_t line) {
  ExpDesc v, b;
  bool needself = false;
  lex_.Next();  // 'function'.
  VarLookupName(&v);
  while (lex_.tok == '.') ExprField(&v);
  if (lex_.tok == ':') {
    needself = true;
    ExprField(&v);
  }
  ParseBody(&b, needself, line);
  FuncState* fs = fs_;
  EmitStore(fs, &v, &b);
  fs->code[fs->pc() - 1].line = line;
}

// ---------------------------------------------------------------------------
// Control transfer.

bool Parser::IsBlockEnd(int tok) {
  return tok == kTok_else || tok == kTok_elseif || tok == kTok_end ||
         tok == kTok_until || tok == kTok_eof;
}

void Parser::ParseReturn() {
  uint32_t ins = 0;
  FuncState* fs = fs_;
  lex_.Next();  // 'return'.
  fs->flags |= kHasReturn;
  if (IsBlockEnd(lex_.tok) || lex_.tok == ';') {
    ins = bc::EncodeAD(Op::RET0, 0, 1);
  } else {
    ExpDesc e;
    uint32_t nret = ExprList(&e);
    bool multi_call = false;
    if (nret == 1) {
      if (e.k == ExpKind::kCall) {
        uint32_t call = fs->Ins(e.info);
        if (bc::OpOf(call) == Op::VARG) {
          multi_call = true;  // 'return ...' is not a tail call.
        } else {
          fs->code.pop_back();
          ins = bc::EncodeAD(OpPlus(bc::OpOf(call), int(Op::CALLT) - int(Op::CALL)),
                             bc::AOf(call), bc::COf(call));
        }
      } else {
        ins = bc::EncodeAD(Op::RET1, ToAnyReg(fs, &e), 2);
      }
    } else if (e.k == ExpKind::kCall) {
      multi_call = true;
    } else {
      ToNextReg(fs, &e);  // Values must be contiguous.
      ins = bc::EncodeAD(Op::RET, fs->nactvar, nret + 1);
    }
    if (multi_call) {
      fs->Ins(e.info) = bc::WithB(fs->Ins(e.info), 0);
      ins = bc::EncodeAD(Op::RETM, fs->nactvar, e.aux - fs->nactvar);
    }
  }
  if (fs->flags & bc::kProtoChild) EmitAJ(fs, Op::UCLO, 0, 0);
  Emit(fs, ins);
}

void Parser::ParseBreak() {
  fs_->scope->flags |= kScopeBreak;
  GolaNew(&kBreakName, kVarGoto, EmitJmp(fs_));
}

void Parser::ParseGoto() {
  FuncState* fs = fs_;
  const std::string* name = LexStr();
  int32_t label = GolaFindLabel(name);
  if (label >= 0) {
    // A backward goto within the scope is a loop (no range check).
    EmitAJ(fs, Op::LOOP, vstack_[label].slot, -1);
  }
  fs->scope->flags |= kScopeGotoLabel;
  GolaNew(name, kVarGoto, EmitJmp(fs));
}

void Parser::ParseLabel() {
  FuncState* fs = fs_;
  fs->lasttarget = fs->pc();
  fs->scope->flags |= kScopeGotoLabel;
  lex_.Next();  // '::'.
  const std::string* name = LexStr();
  if (GolaFindLabel(name) >= 0) {
    lex_.Error(0, absl::StrFormat("duplicate label '%s'", *name));
  }
  uint32_t idx = GolaNew(name, kVarLabel, fs->pc());
  LexCheck(kTok_label);
  // Directly following labels belong to the same position.
  while (lex_.tok == kTok_label) {
    LevelBegin();
    ParseLabel();
    LevelEnd();
  }
  // A label at the end of a block is outside the scope of its locals.
  if (IsBlockEnd(lex_.tok) && lex_.tok != kTok_until) {
    vstack_[idx].slot = fs->scope->nactvar;
  }
  VarSlot label = vstack_[idx];
  GolaResolve(fs->scope, idx, label);
}

// ---------------------------------------------------------------------------
// Blocks and loops.

void Parser::ParseBlock() {
  Scope bl;
  ScopeBegin(fs_, &bl, 0);
  ParseStatements();
  ScopeEnd(fs_);
}

void Parser::ParseWhile(int32_t line) {
  FuncState* fs = fs_;
  Scope bl;
  lex_.Next();  // 'while'.
  uint32_t start = fs->lasttarget = fs->pc();
  uint32_t condexit = ExprCond();
  ScopeBegin(fs, &bl, kScopeLoop);
  LexCheck(kTok_do);
  uint32_t loop = EmitAD(fs, Op::LOOP, fs->nactvar, 0);
  ParseBlock();
  JmpPatch(fs, EmitJmp(fs), start);
  LexMatch(kTok_end, kTok_while, line);
  ScopeEnd(fs);
  JmpToHere(fs, condexit);
  JmpPatchIns(fs, loop, fs->pc());
}

void Parser::ParseRepeat(int32_t line) {
  FuncState* fs = fs_;
  uint32_t loop = fs->lasttarget = fs->pc();
  Scope bl1, bl2;
  ScopeBegin(fs, &bl1, kScopeLoop);
  ScopeBegin(fs, &bl2, 0);
  lex_.Next();  // 'repeat'.
  EmitAD(fs, Op::LOOP, fs->nactvar, 0);
  ParseStatements();
  LexMatch(kTok_until, kTok_repeat, line);
  uint32_t condexit = ExprCond();  // Still inside the inner scope.
  if (!(bl2.flags & kScopeUpval)) {
    ScopeEnd(fs);
  } else {
    // Captured locals: both exits must close them.
    ParseBreak();
    JmpToHere(fs, condexit);
    ScopeEnd(fs);
    condexit = EmitJmp(fs);
  }
  JmpPatch(fs, condexit, loop);
  JmpPatchIns(fs, loop, fs->pc());
  ScopeEnd(fs);
}

void Parser::ParseForNum(const std::string* varname, int32_t line) {
  FuncState* fs = fs_;
  uint32_t base = fs->freereg;
  Scope bl;
  VarNew(0, lex_.Intern("(for index)"));
  VarNew(1, lex_.Intern("(for limit)"));
  VarNew(2, lex_.Intern("(for step)"));
  VarNew(3, varname);
  LexCheck('=');
  ExprNext();
  LexCheck(',');
  ExprNext();
  if (LexOpt(',')) {
    ExprNext();
  } else {
    EmitAD(fs, Op::KSHORT, fs->freereg, 1);  // Default step.
    RegReserve(fs, 1);
  }
  VarAdd(3);
  LexCheck(kTok_do);
  uint32_t loop = EmitAJ(fs, Op::FORI, base, -1);
  ScopeBegin(fs, &bl, 0);
  VarAdd(1);
  RegReserve(fs, 1);
  ParseBlock();
  ScopeEnd(fs);
  // Loop inversion: the loop test sits at the end.
  uint32_t loopend = EmitAJ(fs, Op::FORL, base, -1);
  fs->code[loopend].line = line;
  JmpPatchIns(fs, loopend, loop + 1);
  JmpPatchIns(fs, loop, fs->pc());
}

// Guesses by name whether the iterator is pairs()/next(); the VM checks.
bool Parser::PredictNext(FuncState* fs, uint32_t pc) {
  uint32_t ins = fs->Ins(pc);
  const std::string* name;
  switch (bc::OpOf(ins)) {
    case Op::MOV:
      if (bc::DOf(ins) >= fs->nactvar) return false;
      name = VarGet(fs, bc::DOf(ins)).name;
      break;
    case Op::UGET:
      name = vstack_[fs->uvmap[bc::DOf(ins)]].name;
      break;
    case Op::GGET: {
      for (const char* candidate : {"pairs", "next"}) {
        auto it = fs->gc_index.find(lex_.Intern(candidate));
        if (it != fs->gc_index.end() && it->second == bc::DOf(ins)) return true;
      }
      return false;
    }
    default:
      return false;
  }
  return *name == "pairs" || *name == "next";
}

void Parser::ParseForIter(const std::string* indexname) {
  FuncState* fs = fs_;
  ExpDesc e;
  uint32_t nvars = 0;
  uint32_t base = fs->freereg + 3;
  uint32_t exprpc = fs->pc();
  Scope bl;
  VarNew(nvars++, lex_.Intern("(for generator)"));
  VarNew(nvars++, lex_.Intern("(for state)"));
  VarNew(nvars++, lex_.Intern("(for control)"));
  VarNew(nvars++, indexname);
  while (LexOpt(',')) VarNew(nvars++, LexStr());
  LexCheck(kTok_in);
  int32_t line = lex_.line;
  AssignAdjust(3, ExprList(&e), &e);
  RegBump(fs, 3 + kFrameLinkSlots);  // The iterator call: func + 2 args.
  bool isnext = nvars <= 5 && fs->pc() > exprpc && PredictNext(fs, exprpc);
  VarAdd(3);
  LexCheck(kTok_do);
  uint32_t loop = EmitAJ(fs, isnext ? Op::ISNEXT : Op::JMP, base, -1);
  ScopeBegin(fs, &bl, 0);
  VarAdd(nvars - 3);
  RegReserve(fs, nvars - 3);
  ParseBlock();
  ScopeEnd(fs);
  JmpPatchIns(fs, loop, fs->pc());
  EmitABC(fs, isnext ? Op::ITERN : Op::ITERC, base, nvars - 3 + 1, 2 + 1);
  uint32_t loopend = EmitAJ(fs, Op::ITERL, base, -1);
  fs->code[loopend - 1].line = line;
  fs->code[loopend].line = line;
  JmpPatchIns(fs, loopend, loop + 1);
}

void Parser::ParseFor(int32_t line) {
  FuncState* fs = fs_;
  Scope bl;
  ScopeBegin(fs, &bl, kScopeLoop);
  lex_.Next();  // 'for'.
  const std::string* varname = LexStr();
  if (lex_.tok == '=') {
    ParseForNum(varname, line);
  } else if (lex_.tok == ',' || lex_.tok == kTok_in) {
    ParseForIter(varname);
  } else {
    ErrSyntax("'=' or 'in' expected");
  }
  LexMatch(kTok_end, kTok_for, line);
  ScopeEnd(fs);
}

uint32_t Parser::ParseThen() {
  lex_.Next();  // 'if' or 'elseif'.
  uint32_t condexit = ExprCond();
  LexCheck(kTok_then);
  ParseBlock();
  return condexit;
}

void Parser::ParseIf(int32_t line) {
  FuncState* fs = fs_;
  uint32_t escapelist = kNoJump;
  uint32_t flist = ParseThen();
  while (lex_.tok == kTok_elseif) {
    JmpAppend(fs, &escapelist, EmitJmp(fs));
    JmpToHere(fs, flist);
    flist = ParseThen();
  }
  if (lex_.tok == kTok_else) {
    JmpAppend(fs, &escapelist, EmitJmp(fs));
    JmpToHere(fs, flist);
    lex_.Next();
    ParseBlock();
  } else {
    JmpAppend(fs, &escapelist, flist);
  }
  JmpToHere(fs, escapelist);
  LexMatch(kTok_end, kTok_if, line);
}

// ---------------------------------------------------------------------------
// Statements.

// Returns true for statements that must end a block (return, break).
bool Parser::ParseStatement() {
  int32_t line = lex_.line;
  switch (lex_.tok) {
    case kTok_if:
      ParseIf(line);
      break;
    case kTok_while:
      ParseWhile(line);
      break;
    case kTok_do:
      lex_.Next();
      ParseBlock();
      LexMatch(kTok_end, kTok_do, line);
      break;
    case kTok_for:
      ParseFor(line);
      break;
    case kTok_repeat:
      ParseRepeat(line);
      break;
    case kTok_function:
      ParseFunc(line);
      break;
    case kTok_local:
      lex_.Next();
      ParseLocal();
      break;
    case kTok_return:
      ParseReturn();
      return true;
    case kTok_break:
      lex_.Next();
      ParseBreak();
      return true;
    case kTok_label:
      ParseLabel();
      break;
    case kTok_goto:
      if (lex_.Lookahead() == kTok_name) {
        lex_.Next();
        ParseGoto();
        break;
      }
      ParseCallAssign();
      break;
    default:
      ParseCallAssign();
      break;
  }
  return false;
}

void Parser::ParseStatements() {
  bool islast = false;
  LevelBegin();
  while (!islast && !IsBlockEnd(lex_.tok)) {
    islast = ParseStatement();
    LexOpt(';');
    Check(fs_->framesize >= fs_->freereg && fs_->freereg >= fs_->nactvar,
          "register state after statement");
    fs_->freereg = fs_->nactvar;
  }
  LevelEnd();
}

std::shared_ptr<bc::Proto> Parser::ParseChunk() {
  FuncState fs;
  Scope bl;
  FuncInit(&fs);
  fs.flags |= bc::kProtoVararg;  // The main chunk takes "...".
  ScopeBegin(&fs, &bl, 0);
  EmitAD(&fs, Op::FUNCV, 0, 0);
  lex_.Next();
  ParseStatements();
  if (lex_.tok != kTok_eof) ErrToken(kTok_eof);
  std::shared_ptr<bc::Proto> pt = FuncFinish(lex_.line);
  Check(fs_ == nullptr, "all functions closed");
  return pt;
}

}  // namespace

ParseResult Parse(std::string_view source, std::string chunkname) {
  try {
    Parser parser(source, chunkname);
    return ParseResult(parser.ParseChunk());
  } catch (SyntaxError& e) {
    return ParseResult(ParseError{std::move(e.message)});
  } catch (InternalError& e) {
    return ParseResult(ParseError{
        absl::StrFormat("%s:0: internal parser error: %s",
                        ShortSourceName(chunkname), e.what)});
  }
}

}  // namespace lj::parse
