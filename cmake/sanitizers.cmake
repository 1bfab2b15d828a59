# ASan + UBSan for the whole build (the asan preset). Applied globally so that the libraries we
# build and the tests agree on the runtime.
option(DMVAULT_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(DMVAULT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
