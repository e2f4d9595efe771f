# The embedded demo (issue #9): data generator and log writer, one DPO step against a hand
# computation, and the shipped results in resources/demo.
cl_add_test(tst_demo_data SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_demo_data.cpp
            LIBS creditlens_core LABELS unit)
cl_add_test(tst_demo_dpo SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_demo_dpo.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_demo_results SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_demo_results.cpp
            LIBS creditlens_core LABELS model)
target_compile_definitions(tst_demo_results PRIVATE
    CREDITLENS_DEMO_DIR="${PROJECT_SOURCE_DIR}/resources/demo")
cl_add_test(tst_train_demo_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_train_demo_cli.cpp
            LIBS creditlens_core LABELS model)
add_dependencies(tst_train_demo_cli creditlens-cli)
