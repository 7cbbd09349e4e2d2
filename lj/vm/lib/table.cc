// The table library: insert, concat, sort, maxn in C++; remove, getn,
// foreach, foreachi are bytecode builtins (builtins.cc).
#include <string>

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/builtins.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

int lib_insert(Thread* L) {
  Vm& vm = Vm::of(L);
  Table* t = check_table(L, 1);
  vm::GlobalState& g = vm.global();
  int64_t n = static_cast<int64_t>(t->length());
  int args = arg_count(L);
  if (args == 2) {
    t->set_int(g, n + 1, arg(L, 2));
  } else if (args == 3) {
    int64_t pos = check_integer(L, 2);
    if (pos > n) n = pos;  // Lua 5.1 grows up to pos
    else n = n + 1;
    for (int64_t i = n; i > pos; i--) t->set_int(g, i, t->get_int(i - 1));
    t->set_int(g, pos, arg(L, 3));
  } else {
    vm.error_at(L, 1, "wrong number of arguments to 'insert'");
  }
  return 0;
}

int lib_maxn(Thread* L) {
  Table* t = check_table(L, 1);
  double best = 0;
  TValue key = TValue::nil(), val;
  while (t->next(*L->global, key, val)) {
    if (key.is_number() && key.as_number() > best) best = key.as_number();
  }
  push(L, TValue::number(best));
  return 1;
}

int lib_concat(Thread* L) {
  Vm& vm = Vm::of(L);
  Table* t = check_table(L, 1);
  std::string sep = arg(L, 2).is_nil() ? "" : std::string(check_string(L, 2)->view());
  int64_t i = opt_integer(L, 3, 1);
  int64_t j = arg(L, 4).is_nil() ? static_cast<int64_t>(t->length()) : check_integer(L, 4);
  std::string out;
  for (int64_t k = i; k <= j; k++) {
    TValue v = t->get_int(k);
    if (v.is_string()) {
      out.append(v.as_string()->view());
    } else if (v.is_number()) {
      out.append(vm.number_to_string(v.as_number())->view());
    } else {
      vm.raise_value(L, str(L, std::string("invalid value (") + v.type_name() + ") at index " + std::to_string(k) +
                                   " in table for 'concat'"));
    }
    if (k != j) out.append(sep);
  }
  push(L, str(L, out));
  return 1;
}

// Sorting as Lua 5.1's auxsort, so comparators see the same calls.
class Sorter {
 public:
  Sorter(Thread* L, Table* t, TValue cmp) : L_(L), vm_(Vm::of(L)), t_(t), cmp_(cmp) {}

  void sort(int64_t lo, int64_t up) {
    while (lo < up) {
      if (less(get(up), get(lo))) swap(lo, up);
      if (up - lo == 1) break;
      int64_t p = (lo + up) / 2;
      if (less(get(p), get(lo))) {
        swap(p, lo);
      } else if (less(get(up), get(p))) {
        swap(p, up);
      }
      if (up - lo == 2) break;
      TValue pivot = get(p);
      swap(p, up - 1);
      int64_t i = lo, j = up - 1;
      for (;;) {
        while (less(get(++i), pivot)) {
          if (i > up) vm_.error_at(L_, 1, "invalid order function for sorting");
        }
        while (less(pivot, get(--j))) {
          if (j < lo) vm_.error_at(L_, 1, "invalid order function for sorting");
        }
        if (j < i) break;
        swap(i, j);
      }
      swap(up - 1, i);
      // Recurse into the smaller half, loop on the larger.
      if (i - lo < up - i) {
        sort(lo, i - 1);
        lo = i + 1;
      } else {
        sort(i + 1, up);
        up = i - 1;
      }
    }
  }

 private:
  TValue get(int64_t i) { return t_->get_int(i); }
  void swap(int64_t i, int64_t j) {
    TValue a = get(i), b = get(j);
    t_->set_int(*L_->global, i, b);
    t_->set_int(*L_->global, j, a);
  }
  bool less(TValue a, TValue b) {
    if (cmp_.is_nil()) return vm_.less_than(L_, a, b);
    TValue* f = L_->top;
    if (f + 4 + 20 > L_->maxstack) L_->grow_stack(*L_->global, 24), f = L_->top;
    f[0] = cmp_;
    f[2] = a;
    f[3] = b;
    L_->top = f + 4;
    f = vm_.call(L_, f, 1);
    bool r = f[0].is_truthy();
    L_->top = f;
    return r;
  }

  Thread* L_;
  Vm& vm_;
  Table* t_;
  TValue cmp_;
};

int lib_sort(Thread* L) {
  Table* t = check_table(L, 1);
  TValue cmp = arg(L, 2);
  if (!cmp.is_nil() && !cmp.is_function()) Vm::of(L).type_error(L, 2, "function");
  Sorter(L, t, cmp).sort(1, static_cast<int64_t>(t->length()));
  return 0;
}

}  // namespace

void open_table(Vm& vm) {
  Table* t = new_library(vm, "table");
  set_function(vm, t, "insert", lib_insert);
  set_builtin(vm, t, Builtin::Remove);
  set_builtin(vm, t, Builtin::Getn);
  set_builtin(vm, t, Builtin::Foreach);
  set_builtin(vm, t, Builtin::Foreachi);
  set_function(vm, t, "maxn", lib_maxn);
  set_function(vm, t, "concat", lib_concat);
  set_function(vm, t, "sort", lib_sort);
}

}  // namespace lj::lib
