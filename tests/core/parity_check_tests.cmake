# tools/parity_check on the CPU (issue #19 item 5): scripts/gpu-check runs the same Qt-free
# program on cuda; here it runs against the fixtures so that it cannot rot. Exit 77 (fixtures
# absent) is a skip, and the program prints the path it looked at.
add_test(NAME parity_check_cpu COMMAND parity_check --device cpu)
set_tests_properties(parity_check_cpu PROPERTIES
    LABELS model
    SKIP_RETURN_CODE 77
    TIMEOUT 300)
