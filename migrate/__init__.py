"""Moving a team's existing deployment tool's configuration into this project's files
(`ecs-platform import ...`): readers and mappers that write stack files and workload files."""
