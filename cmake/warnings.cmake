# Warnings every target of ours compiles with. DMVAULT_WERROR turns them into errors (CI, dev).
add_library(dmvault_warnings INTERFACE)
target_compile_options(dmvault_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wformat=2
  -Wimplicit-fallthrough)
option(DMVAULT_WERROR "Treat warnings as errors" OFF)
if(DMVAULT_WERROR)
  target_compile_options(dmvault_warnings INTERFACE -Werror)
endif()
