-- A module that requires itself while loading.
print(pcall(require, "pkg_loop"))
return "loop done"
