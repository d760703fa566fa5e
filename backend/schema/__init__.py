"""GraphQL shapes (Strawberry types and inputs). No SQL and no access rules here."""
