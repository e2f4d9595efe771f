# Tokenizer tests (issue #4) and the sentencepiece bridge test (issue #2 item 8).
foreach(_t tst_tokenizer_neox tst_tokenizer_spm tst_tokenizer_llama_json tst_tokenizer_errors
           tst_tokenizer_units tst_tokenizer_realworld tst_tokenizer_pipeline)
    cl_add_test(${_t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${_t}.cpp
                LIBS creditlens_text LABELS unit)
endforeach()
# Links LibTorch on purpose: the bridge must work inside a torch process.
cl_add_test(tst_spm_bridge SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_spm_bridge.cpp
            LIBS creditlens_text creditlens_engine LABELS unit)
# Runs the built creditlens-cli (issue #4 item 7 contract).
cl_add_test(tst_tokenizer_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_tokenizer_cli.cpp
            LIBS nlohmann_json::nlohmann_json LABELS unit)
add_dependencies(tst_tokenizer_cli creditlens-cli)
# Chat templates (issue #15 item 2): the Jinja interpreter against HF's renderings.
cl_add_test(tst_chat_template SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_chat_template.cpp
            LIBS creditlens_text LABELS unit)
# Runs the built creditlens-cli chat-render (issue #15 contract).
cl_add_test(tst_chat_template_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_chat_template_cli.cpp
            LIBS nlohmann_json::nlohmann_json LABELS unit)
add_dependencies(tst_chat_template_cli creditlens-cli)
# The light creditlens-cli and its engine (issue #19 item 4).
cl_add_test(tst_cli_dispatch SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_cli_dispatch.cpp LABELS unit)
add_dependencies(tst_cli_dispatch creditlens-cli)
