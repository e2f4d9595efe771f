# The scoring server (issue #16): in-process over loopback, and the CLI's `serve` start-up rules.
cl_add_test(tst_serve SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_serve.cpp
            LIBS creditlens_core creditlens_server PkgConfig::HTTPLIB LABELS model)
cl_add_test(tst_serve_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_serve_cli.cpp
            LIBS creditlens_core PkgConfig::HTTPLIB LABELS model)
add_dependencies(tst_serve_cli creditlens-cli)
# Scoring through a CreditLens server and a vLLM-shaped one (issue #16 item 2).
cl_add_test(tst_remote_scoring SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_remote_scoring.cpp
            LIBS creditlens_core creditlens_server PkgConfig::HTTPLIB LABELS model)
