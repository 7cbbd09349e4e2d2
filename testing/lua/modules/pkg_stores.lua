-- A module that stores itself in package.loaded and returns nothing.
package.loaded[...] = "stored by the module"
