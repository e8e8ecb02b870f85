"""The pages every Danish public-sector site must have (about, privacy, accessibility,
cookies): Markdown kept in versions, edited by the secretariat."""
