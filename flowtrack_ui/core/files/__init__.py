"""Files kept in the database: type decided from the content, text extracted, pages rendered."""
