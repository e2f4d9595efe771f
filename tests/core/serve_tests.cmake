# The scoring server (issue #16): in-process over loopback, and the CLI's `serve` start-up rules.
cl_add_test(tst_serve SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_serve.cpp
            LIBS creditlens_core creditlens_server PkgConfig::HTTPLIB LABELS model)
cl_add_test(tst_serve_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_serve_cli.cpp
            LIBS creditlens_core PkgConfig::HTTPLIB LABELS model)
add_dependencies(tst_serve_cli creditlens-cli)
