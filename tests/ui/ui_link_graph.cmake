# The ui libraries form a DAG (issue #17 item 4): creditlens_ui_common at the bottom, the views
# (editor, curves, beam, dataset) over it, the main window (creditlens_ui) over them. Checked at
# configure time, over each library's transitive links, so a link that brings a cycle back (say
# creditlens_beam_ui -> creditlens_ui) fails the configure with a sentence naming the edge.

# All targets `target` reaches through LINK_LIBRARIES / INTERFACE_LINK_LIBRARIES (imported
# targets and generator expressions other than $<LINK_ONLY:...> are not followed).
function(cl_link_closure target out)
    set(seen "")
    set(queue ${target})
    while(queue)
        list(POP_FRONT queue t)
        foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
            get_target_property(libs ${t} ${prop})
            if(NOT libs)
                continue()
            endif()
            foreach(lib IN LISTS libs)
                string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
                if(lib MATCHES "\\$<|::" OR NOT TARGET ${lib} OR lib IN_LIST seen)
                    continue()
                endif()
                list(APPEND seen ${lib})
                list(APPEND queue ${lib})
            endforeach()
        endforeach()
    endwhile()
    set(${out} ${seen} PARENT_SCOPE)
endfunction()

# cl_forbid_links(<library> <targets it must not reach...>)
function(cl_forbid_links library)
    cl_link_closure(${library} reached)
    foreach(forbidden IN LISTS ARGN)
        if(forbidden IN_LIST reached)
            message(FATAL_ERROR "${library} links ${forbidden} (directly or through another "
                "library); the ui libraries must stay a DAG: ui/CMakeLists.txt lists the edges.")
        endif()
    endforeach()
endfunction()

set(_views creditlens_editor_ui creditlens_curves creditlens_beam_ui creditlens_dataset_ui)
cl_forbid_links(creditlens_ui_common creditlens_ui creditlens_ui_engine ${_views}
                creditlens_engine) # no torch in the leaf
cl_forbid_links(creditlens_ui_engine creditlens_ui creditlens_ui_common ${_views})
cl_forbid_links(creditlens_editor_ui creditlens_ui creditlens_curves creditlens_beam_ui
                creditlens_dataset_ui)
cl_forbid_links(creditlens_curves creditlens_ui creditlens_ui_engine creditlens_editor_ui
                creditlens_beam_ui creditlens_dataset_ui creditlens_engine) # `plot`: no torch
cl_forbid_links(creditlens_beam_ui creditlens_ui creditlens_ui_engine creditlens_editor_ui
                creditlens_curves creditlens_dataset_ui)
cl_forbid_links(creditlens_dataset_ui creditlens_ui creditlens_ui_engine creditlens_editor_ui
                creditlens_curves creditlens_beam_ui)
