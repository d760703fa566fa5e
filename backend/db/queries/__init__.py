"""Read queries. Each returns plain records; none decides who may see what."""
