"""Jupyter's own kernel conformance suite (jupyter_kernel_test, Debian's python3-jupyter-kernel-test) with Java
samples for every test it has that the kernel supports. The one it has no sample for is removed by name below, with
the reason, rather than skipped."""
import unittest

import jupyter_kernel_test

from conftest import KERNEL_NAME


class AssayKernelConformance(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'
    # Methods complete with their opening parenthesis, as JShell and IJava give them (ipykernel gives the bare name):
    # a front end inserts the match as it is, and a Java method is always called.
    completion_samples = [
        {"text": "Math.sq", "matches": {"sqrt("}},
        {"text": "\"hi\".toUpp", "matches": {"toUpperCase("}},
    ]
    complete_code_samples = ["1 + 1", "int x = 3;", "void f() { }", "%time 1 + 1"]
    incomplete_code_samples = ["void f() {", "int x = (1 +", "for (int i = 0; i < 3; i++)"]
    invalid_code_samples = ["int x = ;)", "}"]
    code_generate_error = 'throw new RuntimeException("boom");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"a\" + \"b\"", "result": "ab"},  # a String shows as its text
        {"code": "1 + 2", "result": "3"},
    ]
    code_display_data = [
        {"code": 'display(html("<b>bold</b>"));', "mime": "text/html"},
        {"code": 'display(markdown("*it*"));', "mime": "text/markdown"},
    ]
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "1 + ?"  # glob: "1 + 2"
    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput();"

    # No sample: the kernel has no pager (documentation comes through inspect, Shift-Tab, instead).
    test_pager = None


if __name__ == "__main__":
    unittest.main()
