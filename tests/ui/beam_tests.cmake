# Beam Search panel and Width Sweep view (issue #7 item 4): offscreen GUI tests of
# creditlens_beam_ui. The panel and sweep tests run the real GPT-NeoX fixture models.
cl_add_test(tst_beam_inputs SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_beam_inputs.cpp
    LIBS creditlens_beam_ui LABELS gui)
foreach(unit beam_panel beam_sweep beam_tree)
    cl_add_test(tst_${unit} SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_${unit}.cpp
        ${CMAKE_CURRENT_LIST_DIR}/tst_beam_engine.h
        LIBS creditlens_beam_ui creditlens_core LABELS "gui;model" TIMEOUT 600)
endforeach()

# The dock inside the main window.
cl_add_test(tst_beam_main_window SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_beam_main_window.cpp
    LIBS creditlens_ui creditlens_beam_ui creditlens_core LABELS "gui;model" TIMEOUT 600)
