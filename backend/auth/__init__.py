"""Who the caller is: passwords, second factors, sessions and partner tokens."""
