# The Dataset view (issue #17 item 1): offscreen GUI tests of creditlens_dataset_ui. The model
# test needs no models; the view and main-window tests score the bundled demo
# (resources/demo), and the view test compares with `creditlens-cli score`.
cl_add_test(tst_dataset_model SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_dataset_model.cpp
    LIBS creditlens_dataset_ui LABELS gui)
cl_add_test(tst_dataset_view SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_dataset_view.cpp
    LIBS creditlens_dataset_ui creditlens_ui creditlens_core LABELS "gui;model" TIMEOUT 600)
add_dependencies(tst_dataset_view creditlens-cli)
cl_add_test(tst_dataset_main_window
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_dataset_main_window.cpp
            ${PROJECT_SOURCE_DIR}/app/gui/gui_command_line.cpp
    LIBS creditlens_ui creditlens_dataset_ui creditlens_core LABELS "gui;model" TIMEOUT 600)
