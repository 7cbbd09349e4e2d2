-- FFI 64-bit integer literal suffixes: luajit accepts them (they make
-- cdata); ljit has no FFI and must reject them as a syntax error.
print(type(1LL), type(2ULL), type(3ll))
