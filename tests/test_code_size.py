"""gmmlib stays a library a student can read: short modules, short functions.

Prints the largest module and the largest function with their line counts, and fails when a
module passes MAX_MODULE_LINES or a function MAX_FUNCTION_LINES (its docstring not counted), except
for the few listed in LONG_BY_DESIGN with the reason they read better whole.
"""
import ast
import pathlib

import gmmlib

PACKAGE = pathlib.Path(gmmlib.__file__).parent
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
#: "module:function" -> why it reads better whole.
LONG_BY_DESIGN = {}


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def functions(path):
    """(qualified name, lines) of every function and method in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                lines = child.end_lineno - child.lineno + 1
                doc = child.body[0]
                if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):
                    lines -= doc.end_lineno - doc.lineno + 1  # a docstring is reading, not code
                out.append((name, lines))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
    visit(tree, "")
    return out


def rel(path):
    return path.relative_to(PACKAGE.parent).as_posix()


def test_modules_and_functions_are_short():
    sizes = {rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in modules()}
    funcs = [(f"{rel(p)}:{name}", n) for p in modules() for name, n in functions(p)]
    biggest_module = max(sizes.items(), key=lambda kv: kv[1])
    biggest_function = max(funcs, key=lambda kv: kv[1])
    print(f"\nfigure: largest_module = {biggest_module[0]} ({biggest_module[1]} lines)")
    print(f"figure: largest_function = {biggest_function[0]} ({biggest_function[1]} lines)")
    print(f"gmmlib: {len(sizes)} modules, {sum(sizes.values())} lines, {len(funcs)} functions")
    too_big = {m: n for m, n in sizes.items() if n > MAX_MODULE_LINES}
    too_long = {f: n for f, n in funcs if n > MAX_FUNCTION_LINES and f not in LONG_BY_DESIGN}
    assert not too_big, f"modules over {MAX_MODULE_LINES} lines: {too_big}; split them by reason to change"
    assert not too_long, f"functions over {MAX_FUNCTION_LINES} lines: {too_long}"
    stale = set(LONG_BY_DESIGN) - {f for f, _ in funcs}
    assert not stale, f"LONG_BY_DESIGN names functions that do not exist: {stale}"


def test_the_size_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 5))
    path = tmp_path / "long.py"
    doc = '        """Doc.\n\n        More."""\n'
    path.write_text("class A:\n    def f(self):\n" + doc + body.replace("    ", "        ") + "\n")
    (name, n), = functions(path)
    assert name == "A.f" and n == MAX_FUNCTION_LINES + 6  # the def line and the body, not the docstring
