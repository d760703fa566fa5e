"""Finding the right child: criteria, name variants, and the rules against fishing."""
