# Finds LibTorch and refuses an ABI that differs from the compiler's default: std::string crosses
# the core facade, so a mismatch would link and then crash (DESIGN.md, platform fact 5).
find_package(Torch REQUIRED)
message(STATUS "LibTorch ${Torch_VERSION} from ${Torch_DIR}")

set(_cl_torch_abi "")
foreach(_flag IN LISTS TORCH_CXX_FLAGS)
    if(_flag MATCHES "_GLIBCXX_USE_CXX11_ABI=([01])")
        set(_cl_torch_abi "${CMAKE_MATCH_1}")
    endif()
endforeach()
if(_cl_torch_abi STREQUAL "")
    string(REGEX MATCH "_GLIBCXX_USE_CXX11_ABI=([01])" _m "${TORCH_CXX_FLAGS}")
    set(_cl_torch_abi "${CMAKE_MATCH_1}")
endif()

file(WRITE "${CMAKE_BINARY_DIR}/abi_probe.cpp"
     "#include <string>\nint main(){return _GLIBCXX_USE_CXX11_ABI;}\n")
try_run(_cl_abi_run _cl_abi_compiled "${CMAKE_BINARY_DIR}/abi_probe"
        "${CMAKE_BINARY_DIR}/abi_probe.cpp")
if(_cl_torch_abi STREQUAL "")
    message(STATUS "LibTorch does not state _GLIBCXX_USE_CXX11_ABI; assuming the default")
elseif(_cl_abi_compiled AND NOT _cl_abi_run STREQUAL _cl_torch_abi)
    message(FATAL_ERROR
        "LibTorch was built with _GLIBCXX_USE_CXX11_ABI=${_cl_torch_abi} but this compiler "
        "defaults to ${_cl_abi_run}. std::string crosses the CreditLens core facade, so the two "
        "must agree: use a cxx11-ABI LibTorch (the 'cxx11 ABI' download, or a PyTorch wheel >= 2.x).")
endif()

# TORCH_CXX_FLAGS carries only the ABI define; keep it off our global flags and give it to the
# torch-using targets through this interface target.
add_library(creditlens_torch INTERFACE)
target_link_libraries(creditlens_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(creditlens_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
