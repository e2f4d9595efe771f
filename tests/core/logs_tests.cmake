# Training-log readers (issue #8): torch-free, so these link creditlens_logs only.
foreach(unit log_formats log_malformed log_tail log_metrics)
    cl_add_test(tst_${unit}
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_${unit}.cpp ${CMAKE_CURRENT_LIST_DIR}/tst_log_helpers.h
        LIBS creditlens_logs
        LABELS unit)
endforeach()
