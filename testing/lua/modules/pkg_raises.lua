-- A module that raises while running.
error("module failed")
