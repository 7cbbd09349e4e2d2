-- A string literal broken by a newline.
print("abc
print("def")
