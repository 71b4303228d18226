"""Copilot manifest fields mapped to this project's settings, one module per part of a
manifest: the task, its image, a service's routing and count, a worker's queue, a job's
schedule, volumes, task definition overrides, and an environment's network and load balancer."""
