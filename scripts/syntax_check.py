"""Parses every Kotlin file under android/ and every Swift file under ios/ with tree-sitter's grammars and
fails on any ERROR or MISSING node. A syntax check only (no types, no API): what CI can check of the
Compose and SwiftUI code, which only Android Studio and Xcode build. Generated bindings are not checked
(uniffi's unformatted output trips the grammars though it is valid). Prints one line:
`syntax: N files parsed (K Kotlin, S Swift), F failed`."""

import pathlib
import sys

import tree_sitter
import tree_sitter_kotlin
import tree_sitter_swift

LANGUAGES = {
    ".kt": ("Kotlin", tree_sitter.Language(tree_sitter_kotlin.language())),
    ".kts": ("Kotlin", tree_sitter.Language(tree_sitter_kotlin.language())),
    ".swift": ("Swift", tree_sitter.Language(tree_sitter_swift.language())),
}
ROOTS = {"android": (".kt", ".kts"), "ios": (".swift",)}
# Folders the platform tools generate or fill; never hand-written.
SKIPPED = {"build", ".gradle", "generated", "jniLibs", "HosoCore.xcframework", ".build"}


def problems(tree):
    """Every ERROR or MISSING node, as (line, column, kind)."""
    found = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            row, column = node.start_point
            found.append((row + 1, column + 1, "missing " + node.type if node.is_missing else "error"))
        stack.extend(node.children)
    return found


def files(root):
    base = pathlib.Path(root)
    for folder, suffixes in ROOTS.items():
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in suffixes and not SKIPPED.intersection(path.parts):
                yield path


def main(root):
    counts = {"Kotlin": 0, "Swift": 0}
    failed = 0
    for path in files(root):
        name, language = LANGUAGES[path.suffix]
        counts[name] += 1
        tree = tree_sitter.Parser(language).parse(path.read_bytes())
        for line, column, kind in problems(tree)[:5]:
            print(f"{path}:{line}:{column}: syntax {kind}")
        failed += bool(problems(tree))
    total = counts["Kotlin"] + counts["Swift"]
    print(f"syntax: {total} files parsed ({counts['Kotlin']} Kotlin, {counts['Swift']} Swift), {failed} failed")
    return 1 if failed or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
