-- FFI imaginary literal suffix: luajit accepts it (complex cdata); ljit has
-- no FFI and must reject it as a syntax error.
print(type(1i))
