# The fuzzers' findings, replayed in the normal build (issue #18, docs/FUZZING.md).
if(TARGET creditlens_fuzz_entries)
    cl_add_test(tst_fuzz_regressions
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_fuzz_regressions.cpp
        LIBS creditlens_fuzz_entries
        LABELS unit)
endif()
