"""Source sites: URLs, HTTP and page markup. Scrapers return plain data and never touch the database."""
