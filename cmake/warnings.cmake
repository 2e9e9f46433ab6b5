# One warning policy for every target and both compilers: -Wall -Wextra, errors when TML_FATAL_WARNINGS.
add_compile_options(-Wall -Wextra -Wshadow -Wno-psabi)
if(TML_FATAL_WARNINGS)
  add_compile_options(-Werror)
endif()
