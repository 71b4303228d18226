"""What a stack file may declare: typed models, cross-key rules, and the loader. No resources."""
