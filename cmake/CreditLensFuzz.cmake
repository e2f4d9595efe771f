# CREDITLENS_FUZZ=ON (issue #18, docs/FUZZING.md): configures only the torch-free libraries and the
# libFuzzer targets, instrumented with -fsanitize=fuzzer,address,undefined. Needs clang (Debian:
# clang-14 + libclang-rt-14-dev) and a build folder of its own: scripts/fuzz uses build-fuzz.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CREDITLENS_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14, or use scripts/fuzz")
endif()
if(CMAKE_BINARY_DIR STREQUAL "${PROJECT_SOURCE_DIR}/build")
    message(FATAL_ERROR "CREDITLENS_FUZZ: use a build folder of its own (build-fuzz), not build/")
endif()

# Every target the fuzz build has, in the order scripts/fuzz all runs them (fuzz_entries.cpp).
set(CREDITLENS_FUZZ_TARGETS
    safetensors_header safetensors_index config_json pickle
    tokenizer_json spm_model tokenizer_config chat_template
    trainer_state jsonl_log csv_log dpo_stdout tensorboard
    preference_jsonl session server_request)

# UBSan findings abort (libFuzzer then keeps the input) instead of printing and going on.
set(_cl_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
set(CREDITLENS_FUZZ_LIB_FLAGS -fsanitize=fuzzer-no-link ${_cl_san})
set(CREDITLENS_FUZZ_LINK_FLAGS -fsanitize=fuzzer ${_cl_san})

# The torch half of core/engine and core/demo is declared by their CMakeLists but never built
# here: a placeholder for the torch target, and EXCLUDE_FROM_ALL below.
add_library(creditlens_torch INTERFACE)
find_package(Qt6 6.2 REQUIRED COMPONENTS Core)

add_subdirectory(core)
foreach(_t creditlens_engine creditlens_demo creditlens_server) # torch, directly or through engine
    if(TARGET ${_t})
        set_target_properties(${_t} PROPERTIES EXCLUDE_FROM_ALL ON)
    endif()
endforeach()
# Instrument the parsers themselves; the dlopen'ed sentencepiece bridge stays uninstrumented
# (it links with --no-undefined, and libsentencepiece is not ours).
foreach(_t creditlens_checkpoint creditlens_text creditlens_logs creditlens_server_protocol)
    target_compile_options(${_t} PRIVATE ${CREDITLENS_FUZZ_LIB_FLAGS})
endforeach()
add_subdirectory(fuzz)
