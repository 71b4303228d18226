"""The ecs-platform CrossGuard policies as plain, testable Python.

`rules` and `evaluate` never import `pulumi_policy`: the checks are pure functions of a resource's
type, camelCase properties and `protect` flag. Only `pack` wraps them into `pulumi_policy` objects
(and `policy/__main__.py` builds the PolicyPack, which starts a gRPC server and blocks).
"""
