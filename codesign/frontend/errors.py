class LoweringError(ValueError):
    """A QONNX node or pattern the frontend cannot lower; names the node, its op type and why."""

    def __init__(self, node, why: str):
        name = getattr(node, "name", None) or (node.output[0] if getattr(node, "output", None) else "?")
        op_type = getattr(node, "op_type", "?")
        self.node_name, self.op_type, self.why = name, op_type, why
        super().__init__(f"cannot lower node {name!r} ({op_type}): {why}")
