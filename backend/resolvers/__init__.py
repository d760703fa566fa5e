"""Thin resolvers: read the arguments, call a service, return schema types."""
