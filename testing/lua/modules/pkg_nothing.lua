-- A module that returns nothing: require answers true.
print("loading pkg_nothing")
