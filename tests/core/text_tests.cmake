# Tokenizer tests (issue #4) and the sentencepiece bridge test (issue #2 item 8).
foreach(_t tst_tokenizer_neox tst_tokenizer_spm tst_tokenizer_llama_json tst_tokenizer_errors)
    cl_add_test(${_t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${_t}.cpp
                LIBS creditlens_text LABELS unit)
endforeach()
