# The prompt as a conversation when the template is the model's chat template (issue #15 item 3).
cl_add_test(tst_conversation_editor SOURCES tst_conversation_editor.cpp
    LIBS creditlens_ui creditlens_core LABELS gui)
