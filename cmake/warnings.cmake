# Warnings every target of ours compiles with. DMVAULT_WERROR turns them into errors (CI, dev).
add_library(dmvault_warnings INTERFACE)
target_compile_options(dmvault_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough
  # GCC 12 reports false null dereferences inside CLI11 and libstdc++ streams once the optimiser
  # inlines them, so the check runs where it is precise: unoptimised builds (dev, asan).
  $<$<CONFIG:Debug>:-Wnull-dereference>)
option(DMVAULT_WERROR "Treat warnings as errors" OFF)
if(DMVAULT_WERROR)
  target_compile_options(dmvault_warnings INTERFACE -Werror)
endif()
