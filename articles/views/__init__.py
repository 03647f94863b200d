"""The staff pages of articles: the list and lookup, one article's page, the forms
that record events, adding and editing articles, and labels."""
