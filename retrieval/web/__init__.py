"""The web as a source: pages and RSS/Atom/RDF feeds fetched safely, politely and on a schedule."""
