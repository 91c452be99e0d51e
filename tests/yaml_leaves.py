"""Walking a nested YAML structure, for tests that check every value in a content file."""


def leaves(node, where):
    """(where, value) for every value that is not a dict or a list, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, f"{where}[{i}]")
    else:
        yield where, node
