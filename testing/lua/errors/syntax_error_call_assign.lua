-- A call is not an assignment target.
print() = 1
