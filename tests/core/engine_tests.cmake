# Engine tests (checkpoint parsing, model parity with HF, KV cache, runtime).
cl_add_test(tst_safetensors SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_safetensors.cpp
            LIBS creditlens_checkpoint LABELS unit)
cl_add_test(tst_model_config SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_model_config.cpp
            LIBS creditlens_checkpoint LABELS unit)
cl_add_test(tst_model_parity SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_model_parity.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_sequence SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_sequence.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_runtime SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_runtime.cpp
            LIBS creditlens_core LABELS unit)
cl_add_test(tst_reward_scorer SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_reward_scorer.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_beam_search SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_beam_search.cpp
            LIBS creditlens_core LABELS model)
# The beam tree's trace (issue #17 item 2).
cl_add_test(tst_beam_trace SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_beam_trace.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_engine_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_engine_cli.cpp
            LIBS creditlens_core LABELS model)
add_dependencies(tst_engine_cli creditlens-cli)
# Pickle checkpoints (issue #14): the torch-free reader, then parity and the CLI through the engine.
cl_add_test(tst_pickle_reader SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_pickle_reader.cpp
            LIBS creditlens_checkpoint LABELS unit)
cl_add_test(tst_pickle_checkpoints SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_pickle_checkpoints.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_checkpoint_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_checkpoint_cli.cpp
            LIBS creditlens_checkpoint LABELS model)
add_dependencies(tst_checkpoint_cli creditlens-cli)
# New architectures, rope scaling and EOS lists (issue #14) against HF 4.40's references.
cl_add_test(tst_model_parity_ext SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_model_parity_ext.cpp
            LIBS creditlens_core LABELS model)
# LoRA adapters (issue #14 item 3): parity of base + adapter and of the pair's rewards, the CLI.
cl_add_test(tst_lora SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_lora.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_lora_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_lora_cli.cpp
            LIBS creditlens_core LABELS model)
add_dependencies(tst_lora_cli creditlens-cli)
# Memory estimate and refusal (issue #19 item 2).
cl_add_test(tst_memory_check SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_memory_check.cpp
            LIBS creditlens_core LABELS model)
add_dependencies(tst_memory_check creditlens-cli)
# bf16/f16 weights kept as stored, upcast inside the matmuls (issue #19 item 1).
cl_add_test(tst_half_weights SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_half_weights.cpp
            LIBS creditlens_core LABELS model)
