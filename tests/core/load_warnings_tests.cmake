# Load warnings of a policy/reference pair (issues #14/#15 "on load"): core checks, then the CLI.
cl_add_test(tst_load_warnings SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_load_warnings.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_load_warnings_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_load_warnings_cli.cpp
            LIBS creditlens_core LABELS model)
add_dependencies(tst_load_warnings_cli creditlens-cli)
