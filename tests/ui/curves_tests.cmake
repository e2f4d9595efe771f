# Training Curves view (issue #8): offscreen GUI tests of creditlens_curves.
foreach(unit curves_plot curves_view)
    cl_add_test(tst_${unit} SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_${unit}.cpp
        LIBS creditlens_curves LABELS gui)
endforeach()
