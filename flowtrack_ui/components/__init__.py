"""Small building blocks of the pages."""
