# Scoring conversations with the model's chat template (issue #15 item 3): text, ids, rewards,
# and the score command's conversational JSONL.
cl_add_test(tst_chat_scoring SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_chat_scoring.cpp
            LIBS creditlens_core LABELS model)
cl_add_test(tst_chat_scoring_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_chat_scoring_cli.cpp
            LIBS creditlens_core LABELS model)
add_dependencies(tst_chat_scoring_cli creditlens-cli)
